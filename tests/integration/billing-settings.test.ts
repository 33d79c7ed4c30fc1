/**
 * Régies and tariffs edited by the town's admin staff (issue 5, items 1 and 2): who may,
 * one régie per service, prices typed in euros kept in cents, the tenant file's tariff
 * rules with French messages at the field, tariffs used by issued invoices locked (only
 * superseded from a later date), and every change audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { issueRun } from "../../src/features/billing/invoicing/invoicing-service.ts";
import { book } from "../../src/features/planning/booking/booking-service.ts";
import { allPeriods } from "../../src/features/planning/offer/period-service.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const HOST = "senneceylesdijon.localhost:3000";
let p: TestPlatform;
let tenant: Tenant;
let admin: ReturnType<typeof client>;
let ip = 0;

async function login(identifier: string, base = "/agents", host = HOST) {
  const c = client(p.app, host, { ip: `198.51.100.${++ip}` });
  expect((await c.login(identifier, DEMO_PASSWORD, base)).status).toBe(303);
  return c;
}

const regie = (key: string) =>
  p.owner
    .selectFrom("regies")
    .selectAll()
    .where("tenant_id", "=", tenant.id)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
const serviceOf = (key: string) =>
  p.owner
    .selectFrom("services")
    .selectAll()
    .where("tenant_id", "=", tenant.id)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
const tariffsOf = async (serviceKey: string) =>
  p.owner
    .selectFrom("tariffs")
    .selectAll()
    .where("service_id", "=", (await serviceOf(serviceKey)).id)
    .orderBy("effective_from")
    .execute();
const audits = (entity: string) =>
  p.owner
    .selectFrom("audit_log")
    .selectAll()
    .where("tenant_id", "=", tenant.id)
    .where("entity", "=", entity)
    .orderBy("at")
    .execute();

const ALSH = (services: string[], over: Record<string, string> = {}): [string, string][] => [
  ...Object.entries({
    name: "Régie garderie ALSH",
    numcli: "021800",
    invoicePrefix: "AL-",
    collection: "self",
    ...over,
  }),
  ...services.map((s): [string, string] => ["services", s]),
];
const ALSH_SERVICES = ["alsh-vacances", "alsh-mercredi", "garderie-matin", "garderie-soir"];

const TARIFF = {
  from: "2027-09-01",
  upTo_0: "700",
  price_0: "3,60",
  upTo_1: "1200",
  price_1: "4,50",
  upTo_2: "",
  price_2: "5,30",
  withoutProofBracket: "",
  nonResident: "6,70",
  siblingReductionPercent: "10",
  hoursPerBooking: "2",
  lateBooking: "1,5",
  lateCancellation: "",
};

beforeAll(async () => {
  p = await createTestPlatform();
  tenant = await townOf(p, "senneceylesdijon");
  admin = await login("admin@senneceylesdijon.test");
}, 120_000);
afterAll(() => p?.close());

describe("who may edit the town's money", () => {
  it("refuses an agent who is not an admin, and parents (403); admins see the links on the home page", async () => {
    const id = (await regie("alsh")).id;
    const tariff = (await tariffsOf("restauration"))[0]?.id as string;
    const agent = await login("agent@senneceylesdijon.test");
    const parent = await login("parent1.mairie@senneceylesdijon.test", "");
    for (const c of [agent, parent]) {
      expect((await c.get("/agents/facturation/regies")).status).toBe(403);
      expect((await c.get("/agents/facturation/tarifs")).status).toBe(403);
      expect(
        (await c.post(`/agents/facturation/regies/${id}`, ALSH(ALSH_SERVICES, { numcli: "999999" }))).status,
      ).toBe(403);
      expect((await c.post(`/agents/facturation/tarifs/${tariff}`, TARIFF)).status).toBe(403);
    }
    expect((await regie("alsh")).numcli).toBe("021800");
    expect(await (await agent.get("/agents")).text()).not.toContain("/agents/facturation/tarifs");
    expect(await (await admin.get("/agents")).text()).toContain("/agents/facturation/tarifs");
  });

  it("does not find another town's régie or tariff (404)", async () => {
    const other = await login("admin@plombieres.test", "/agents", "plombieres.localhost:3000");
    expect((await other.get(`/agents/facturation/regies/${(await regie("alsh")).id}`)).status).toBe(404);
    const tariff = (await tariffsOf("restauration"))[0]?.id as string;
    expect((await other.get(`/agents/facturation/tarifs/${tariff}`)).status).toBe(404);
  });
});

describe("régies", () => {
  it("lists the régies with their services", async () => {
    const html = await (await admin.get("/agents/facturation/regies")).text();
    expect(html).toContain("Régie garderie ALSH");
    expect(html).toContain("021801");
    expect(html).toContain("RS-");
  });

  it("refuses a numcli that is not 6 digits at the field, keeping the values and saving nothing", async () => {
    const id = (await regie("alsh")).id;
    const res = await admin.post(
      `/agents/facturation/regies/${id}`,
      ALSH(ALSH_SERVICES, { numcli: "02180", name: "Régie modifiée" }),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/aria-describedby="[^"]*f-numcli-error"/);
    expect(html).toContain("6 chiffres");
    expect(html).toContain('value="Régie modifiée"');
    expect((await regie("alsh")).name).toBe("Régie garderie ALSH");
  });

  it("refuses a service billed by another régie and a prefix already used", async () => {
    const id = (await regie("alsh")).id;
    const taken = await admin.post(
      `/agents/facturation/regies/${id}`,
      ALSH([...ALSH_SERVICES, "restauration"]),
    );
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain("déjà facturé par la régie « Régie restauration scolaire »");
    const prefix = await admin.post(
      `/agents/facturation/regies/${id}`,
      ALSH(ALSH_SERVICES, { invoicePrefix: "RS-" }),
    );
    expect(prefix.status).toBe(422);
    expect(await prefix.text()).toContain("déjà celui de la régie");
    expect((await serviceOf("restauration")).regie_id).toBe((await regie("restauration")).id);
    expect((await regie("alsh")).invoice_prefix).toBe("AL-");
  });

  it("saves an edit, frees a service unchecked, creates a régie for it, and audits both", async () => {
    const id = (await regie("alsh")).id;
    const services = ALSH_SERVICES.filter((s) => s !== "garderie-soir");
    const res = await admin.post(
      `/agents/facturation/regies/${id}`,
      ALSH(services, { collection: "treasury" }),
    );
    expect(res.status).toBe(303);
    expect((await regie("alsh")).collection).toBe("treasury");
    expect((await serviceOf("garderie-soir")).regie_id).toBeNull();

    const created = await admin.post("/agents/facturation/regies/nouvelle", [
      ["name", "Régie garderie du soir"],
      ["numcli", "021802"],
      ["invoicePrefix", "gs-"],
      ["collection", "self"],
      ["services", "garderie-soir"],
    ]);
    expect(created.status).toBe(303);
    const row = await regie("regie-garderie-du-soir");
    expect(row).toMatchObject({ numcli: "021802", invoice_prefix: "GS-", collection: "self" });
    expect((await serviceOf("garderie-soir")).regie_id).toBe(row.id);
    const log = await audits("regies");
    expect(log.map((l) => [l.action, l.entity_id, l.fields])).toEqual([
      ["update", id, ["collection", "services"]],
      ["create", row.id, ["name", "numcli", "invoice_prefix", "collection", "services"]],
    ]);
  });
});

describe("tariffs", () => {
  it("lists each service's tariffs by date", async () => {
    const html = await (await admin.get("/agents/facturation/tarifs")).text();
    expect(html).toContain("Restauration scolaire");
    expect(html).toContain("QF ≤ 1200 : 4,40");
    expect(html).toContain("/agents/facturation/tarifs/services/");
  });

  it("adds a tariff typed in euros, stored in cents and audited", async () => {
    const service = await serviceOf("garderie-matin");
    const res = await admin.post(`/agents/facturation/tarifs/services/${service.id}/nouveau`, {
      ...TARIFF,
      withoutProofBracket: "1",
    });
    expect(res.status).toBe(303);
    const added = (await tariffsOf("garderie-matin")).at(-1);
    expect(added?.effective_from).toBe("2027-09-01");
    expect(added?.spec).toEqual({
      service: "garderie-matin",
      from: "2027-09-01",
      brackets: [{ upTo: 700, cents: 360 }, { upTo: 1200, cents: 450 }, { cents: 530 }],
      withoutProofBracket: 1,
      nonResidentCents: 670,
      siblingReductionPercent: 10,
      hoursPerBooking: 2,
      lateBookingSurchargeCents: 150,
      lateCancellationSurchargeCents: 0,
    });
    const log = (await audits("tariffs")).at(-1);
    expect(log).toMatchObject({ action: "create", entity_id: added?.id });
  });

  it.each([
    ["price_1", "4,505", "2 décimales au plus"],
    ["price_0", "-3", "positif"],
    ["nonResident", "six euros", "2 décimales au plus"],
    ["upTo_2", "1500", "pas de plafond"],
    ["upTo_1", "600", "croissants"],
    ["upTo_1", "", "seule la dernière tranche en est sans"],
    ["siblingReductionPercent", "120", "de 0 à 100"],
    ["hoursPerBooking", "0", "de 1 à 24"],
    ["withoutProofBracket", "5", "tranche remplie"],
    ["from", "2027-02-30", "Indiquez une date"],
  ])("refuses %s = « %s » at the field (422), values kept, nothing saved", async (field, value, message) => {
    const service = await serviceOf("garderie-soir");
    const before = await tariffsOf("garderie-soir");
    const res = await admin.post(`/agents/facturation/tarifs/services/${service.id}/nouveau`, {
      ...TARIFF,
      [field]: value,
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(new RegExp(`aria-describedby="[^"]*f-${field}-error`));
    expect(html.slice(html.indexOf(`id="f-${field}-error"`))).toContain(message);
    if (field !== "withoutProofBracket") expect(html).toContain(`value="${value}"`);
    expect(await tariffsOf("garderie-soir")).toEqual(before);
  });

  it("refuses a tariff without any bracket", async () => {
    const service = await serviceOf("garderie-soir");
    const res = await admin.post(`/agents/facturation/tarifs/services/${service.id}/nouveau`, {
      ...TARIFF,
      upTo_0: "",
      price_0: "",
      upTo_1: "",
      price_1: "",
      price_2: "",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("au moins une tranche");
  });
});

async function invoiceDecemberCanteen() {
  const householdId = await completeFile(p, "senneceylesdijon", "1001");
  const user = await p.owner
    .selectFrom("users")
    .select("id")
    .where("household_id", "=", householdId)
    .executeTakeFirstOrThrow();
  const child = await p.owner
    .selectFrom("children")
    .select("id")
    .where("household_id", "=", householdId)
    .executeTakeFirstOrThrow();
  const parent = { role: "app_parent" as const, tenantId: tenant.id, userId: user.id, householdId };
  await p.db.withTenant(parent, async (trx) => {
    const period = (await allPeriods(trx)).find((x) => x.key === "restauration-2026-2027");
    await book(
      trx,
      {
        tenant,
        actor: { kind: "parent", userId: user.id },
        actorName: "Parent 1",
        householdId,
        now: new Date("2026-11-20T08:00:00Z"),
      },
      {
        periodId: period?.id as string,
        childIds: [child.id],
        days: ["2026-12-01", "2026-12-03"],
        idempotencyKey: crypto.randomUUID(),
      },
    );
  });
  const staffId = (
    await p.owner
      .selectFrom("users")
      .select("id")
      .where("email", "=", "admin@senneceylesdijon.test")
      .executeTakeFirstOrThrow()
  ).id;
  const staff = { role: "app_staff" as const, tenantId: tenant.id, userId: staffId };
  const rs = (await regie("restauration")).id;
  const run = await p.db.withTenant(staff, (trx) =>
    issueRun(
      trx,
      tenant,
      { kind: "staff", userId: staffId },
      rs,
      "2026-12",
      new Date("2027-01-05T09:00:00Z"),
    ),
  );
  expect(run.invoices).toHaveLength(1);
}

describe("a tariff used by issued invoices", () => {
  it("is locked: shown read-only, an edit is refused (409); it is superseded only from a date after the billed days", async () => {
    const free = (await tariffsOf("restauration"))[0];
    const editable = await admin.post(`/agents/facturation/tarifs/${free?.id}`, {
      ...TARIFF,
      price_1: "4,60",
    });
    expect(editable.status).toBe(303);
    expect((await tariffsOf("restauration"))[0]?.spec.brackets[1]).toEqual({ upTo: 1200, cents: 460 });
    expect((await audits("tariffs")).at(-1)).toMatchObject({ action: "update", entity_id: free?.id });

    await invoiceDecemberCanteen();
    const page = await (await admin.get(`/agents/facturation/tarifs/${free?.id}`)).text();
    expect(page).toContain("a déjà servi à des factures émises");
    expect(page).not.toContain("Enregistrer le tarif");
    const refused = await admin.post(`/agents/facturation/tarifs/${free?.id}`, {
      ...TARIFF,
      price_1: "9,99",
    });
    expect(refused.status).toBe(409);
    expect((await tariffsOf("restauration"))[0]?.spec.brackets[1]).toEqual({ upTo: 1200, cents: 460 });

    const service = await serviceOf("restauration");
    const early = await admin.post(`/agents/facturation/tarifs/services/${service.id}/nouveau`, {
      ...TARIFF,
      from: "2026-12-02",
    });
    expect(early.status).toBe(422);
    expect(await early.text()).toContain("jusqu&#39;au jeudi 3 décembre 2026");
    const later = await admin.post(`/agents/facturation/tarifs/services/${service.id}/nouveau`, {
      ...TARIFF,
      from: "2027-01-04",
    });
    expect(later.status).toBe(303);
    const [old, next] = await tariffsOf("restauration");
    expect(next?.effective_from).toBe("2027-01-04");
    const list = await (await admin.get("/agents/facturation/tarifs")).text();
    expect(list).toContain("Utilisé par des factures émises");
    expect((await admin.post(`/agents/facturation/tarifs/${old?.id}`, TARIFF)).status).toBe(409);
    expect(
      (await admin.post(`/agents/facturation/tarifs/${next?.id}`, { ...TARIFF, price_0: "3,70" })).status,
    ).toBe(303);
  });
});
