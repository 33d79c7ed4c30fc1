/**
 * The town's offer edited by its admin staff (issue 4, item 1): who may, rules checked as
 * in the tenant file with French messages, capacity never lowered under places taken,
 * closures that close the day for booking, new periods, and every change audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { bookingCheck } from "../../src/features/planning/booking/rules.ts";
import { findPeriod } from "../../src/features/planning/offer/period-service.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { idOf, staffBook, tenantOf } from "./planning-staff-fixture.ts";

const SENE = "sene.localhost:3000";
const NOW = new Date("2027-01-04T08:00:00Z");

let p: TestPlatform;
let tenant: Tenant;
let serviceId: string;
let periodId: string;
let admin: ReturnType<typeof client>;
let ip = 0;

async function login(host: string, identifier: string, base = "") {
  const c = client(p.app, host, { ip: `198.51.100.${++ip}` });
  expect((await c.login(identifier, DEMO_PASSWORD, base)).status).toBe(303);
  return c;
}

const RULES = {
  acceptance: "auto",
  noticeDays: "1",
  cutoff: "10:00",
  cancelNoticeDays: "1",
  cancelCutoff: "10:00",
  lateCancellation: "billed",
  capacity: "400",
  waitingList: "none",
  payment: "invoiced",
  minAge: "",
  maxAge: "",
};
const PERIOD = {
  name: "RESTAURATION SCOLAIRE 2026-2027",
  category: "",
  start: "2026-09-01",
  end: "2027-07-02",
  schoolDaysOnly: "oui",
  bookingOpensOn: "",
  bookingClosesOn: "",
  capacity: "",
};

/** A form with repeated fields (weekdays, levels) as the browser sends it, with the session's cookies. */
function post(path: string, fields: Record<string, string>, repeated: [string, string][] = [], as = admin) {
  const body = new URLSearchParams(fields);
  for (const [k, v] of repeated) body.append(k, v);
  const cookie = [...as.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  return p.app.request(`http://127.0.0.1${path}`, {
    method: "POST",
    redirect: "manual",
    body: body.toString(),
    headers: {
      Host: SENE,
      Origin: `http://${SENE}`,
      Cookie: cookie,
      "Content-Type": "application/x-www-form-urlencoded",
    },
  });
}
const WEEKDAYS: [string, string][] = ["1", "2", "4", "5"].map((d) => ["weekdays", d]);

const service = () =>
  p.owner.selectFrom("services").selectAll().where("id", "=", serviceId).executeTakeFirstOrThrow();
const audits = (entity: string) =>
  p.owner.selectFrom("audit_log").selectAll().where("entity", "=", entity).execute();

beforeAll(async () => {
  p = await createTestPlatform();
  p.setNow(NOW);
  tenant = await tenantOf(p, "sene");
  serviceId = await idOf(p, "services", tenant.id, "restauration");
  periodId = await idOf(p, "periods", tenant.id, "restauration-2026-2027");
  const householdId = await completeFile(p, "sene", "1001");
  const kids = await p.owner
    .selectFrom("children")
    .select("id")
    .where("household_id", "=", householdId)
    .execute();
  await staffBook(
    p,
    tenant,
    householdId,
    "restauration-2026-2027",
    kids.map((k) => k.id),
    ["2027-01-11"],
  );
  admin = await login(SENE, "admin@sene.test", "/agents");
}, 120_000);
afterAll(() => p?.close());

describe("who may edit the offer", () => {
  it("lets the admin see établissements › services › périodes", async () => {
    const res = await admin.get("/agents/planning/offre");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("RESTAURANT SCOLAIRE");
    expect(html).toContain("RESTAURATION SCOLAIRE");
    expect(html).toContain("MERCREDI POMPIDOU B ELEMENTAIRE / 2026-2027");
    expect(html).toContain(`/agents/planning/offre/periodes/${periodId}`);
  });

  it("refuses an agent who is not an admin, and parents (403)", async () => {
    const agent = await login(SENE, "agent@sene.test", "/agents");
    expect((await agent.get("/agents/planning/offre")).status).toBe(403);
    expect((await agent.get(`/agents/planning/offre/services/${serviceId}`)).status).toBe(403);
    expect((await post(`/agents/planning/offre/services/${serviceId}`, RULES, [], agent)).status).toBe(403);
    const parent = await login(SENE, "lola.test@sene.test");
    expect((await parent.get("/agents/planning/offre")).status).toBe(403);
    expect((await post(`/agents/planning/offre/periodes/${periodId}`, PERIOD, WEEKDAYS, parent)).status).toBe(
      403,
    );
    expect((await service()).rules).not.toHaveProperty("acceptance");
  });

  it("does not find another town's service or period (404)", async () => {
    const other = await login("plombieres.localhost:3000", "admin@plombieres.test", "/agents");
    expect((await other.get(`/agents/planning/offre/services/${serviceId}`)).status).toBe(404);
    expect((await other.get(`/agents/planning/offre/periodes/${periodId}`)).status).toBe(404);
    expect((await other.get(`/agents/planning/offre/services/${serviceId}/periodes/nouvelle`)).status).toBe(
      404,
    );
  });
});

describe("a service's rules", () => {
  it("are saved and audited when valid", async () => {
    const res = await post(
      `/agents/planning/offre/services/${serviceId}`,
      { ...RULES, cutoff: "11:30", minAge: "3" },
      [
        ["levels", "CP"],
        ["levels", "CM2"],
      ],
    );
    expect(res.status).toBe(303);
    const s = await service();
    expect(s.rules).toMatchObject({ cutoff: "11:30", capacity: 400, lateCancellation: "billed" });
    expect(s.eligibility).toEqual({ minAge: 3, levels: ["CP", "CM2"] });
    const row = (await audits("services")).at(-1);
    expect(row?.entity_id).toBe(serviceId);
    expect(row?.fields).toEqual(expect.arrayContaining(["cutoff", "eligibility"]));
    const page = await (await admin.get(res.headers.get("location") as string)).text();
    expect(page).toContain("Les règles du service ont été enregistrées.");
    expect(page).toMatch(/value="CM2" checked/);
  });

  it("are refused with French messages at the fields, values kept, nothing saved", async () => {
    const before = await service();
    const res = await post(`/agents/planning/offre/services/${serviceId}`, {
      ...RULES,
      noticeDays: "deux",
      cutoff: "25:00",
      cancelNoticeDays: "99",
      minAge: "10",
      maxAge: "6",
      waitingList: "auto",
      capacity: "",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/id="f-noticeDays-error">Indiquez un nombre entier\./);
    expect(html).toMatch(/id="f-cutoff-error">heure HH:MM attendue/);
    expect(html).toMatch(/id="f-cancelNoticeDays-error">La valeur maximale est 60\./);
    expect(html).toContain('value="deux"');
    expect(html).toContain('aria-describedby="f-cutoff-error"');
    expect((await service()).rules).toEqual(before.rules);
    const ages = await post(`/agents/planning/offre/services/${serviceId}`, {
      ...RULES,
      minAge: "10",
      maxAge: "6",
    });
    expect(await ages.text()).toContain("L&#39;âge maximum doit être supérieur ou égal à l&#39;âge minimum.");
    const waiting = await post(`/agents/planning/offre/services/${serviceId}`, {
      ...RULES,
      capacity: "",
      waitingList: "auto",
    });
    expect(await waiting.text()).toContain("Une liste d&#39;attente suppose une capacité par jour.");
  });

  it("may not lower the capacity under the places already taken, and names the days", async () => {
    const before = await service();
    const res = await post(`/agents/planning/offre/services/${serviceId}`, { ...RULES, capacity: "1" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(
      "Capacité trop basse : plus de 1 places sont déjà prises le lundi 11 janvier 2027 (2 places prises).",
    );
    expect((await service()).rules).toEqual(before.rules);
    expect(
      (await post(`/agents/planning/offre/services/${serviceId}`, { ...RULES, capacity: "2" })).status,
    ).toBe(303);
  });
});

describe("a period", () => {
  it("is saved and audited; its own capacity may not fall under places taken", async () => {
    const low = await post(
      `/agents/planning/offre/periodes/${periodId}`,
      { ...PERIOD, capacity: "1" },
      WEEKDAYS,
    );
    expect(low.status).toBe(422);
    expect(await low.text()).toContain("le lundi 11 janvier 2027 (2 places prises)");
    const ok = await post(
      `/agents/planning/offre/periodes/${periodId}`,
      { ...PERIOD, bookingClosesOn: "2027-06-15", capacity: "150" },
      WEEKDAYS,
    );
    expect(ok.status).toBe(303);
    const row = await p.owner
      .selectFrom("periods")
      .selectAll()
      .where("id", "=", periodId)
      .executeTakeFirstOrThrow();
    expect(row.booking_closes_on).toBe("2027-06-15");
    expect(row.rules).toEqual({ capacity: 150 });
    expect((await audits("periods")).at(-1)?.fields).toEqual(
      expect.arrayContaining(["booking_closes_on", "capacity"]),
    );
  });

  it("is refused without a weekday or with its end before its start", async () => {
    const res = await post(`/agents/planning/offre/periodes/${periodId}`, { ...PERIOD, end: "2026-08-01" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Cochez au moins un jour d&#39;ouverture.");
    const end = await post(
      `/agents/planning/offre/periodes/${periodId}`,
      { ...PERIOD, end: "2026-08-01" },
      WEEKDAYS,
    );
    expect(await end.text()).toContain("La fin doit être le jour du début ou après.");
  });

  it("closes a day for booking once a closure is added, and opens it again when removed", async () => {
    const staffCtx = { role: "app_staff" as const, tenantId: tenant.id };
    const check = async () => {
      const period = await p.db.withTenant(staffCtx, (trx) => findPeriod(trx, periodId));
      return bookingCheck(period as never, "2027-01-21", NOW, "B");
    };
    expect((await check()).ok).toBe(true);
    const bad = await post(`/agents/planning/offre/periodes/${periodId}/fermetures`, {
      from: "2027-01-22",
      to: "2027-01-21",
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toMatch(/id="f-to-error">La fin doit être le jour du début ou après\./);
    const add = { from: "2027-01-21", to: "2027-01-22", label: "Grève" };
    expect((await post(`/agents/planning/offre/periodes/${periodId}/fermetures`, add)).status).toBe(303);
    expect(await check()).toMatchObject({ ok: false, code: "closure", label: "Grève" });
    const page = await (await admin.get(`/agents/planning/offre/periodes/${periodId}`)).text();
    expect(page).toContain("Grève : du");
    const remove = { from: "2027-01-21", to: "2027-01-22" };
    expect(
      (await post(`/agents/planning/offre/periodes/${periodId}/fermetures/supprimer`, remove)).status,
    ).toBe(303);
    expect((await check()).ok).toBe(true);
    expect(
      (await post(`/agents/planning/offre/periodes/${periodId}/fermetures/supprimer`, remove)).status,
    ).toBe(404);
  });

  it("is created for a service", async () => {
    const res = await post(
      `/agents/planning/offre/services/${serviceId}/periodes/nouvelle`,
      {
        ...PERIOD,
        name: "Restauration été 2027",
        start: "2027-07-05",
        end: "2027-07-30",
        schoolDaysOnly: "",
      },
      WEEKDAYS,
    );
    expect(res.status).toBe(303);
    const row = await p.owner
      .selectFrom("periods")
      .selectAll()
      .where("name", "=", "Restauration été 2027")
      .executeTakeFirstOrThrow();
    expect(row.key).toMatch(/^restauration-ete-2027-[0-9a-f]{8}$/);
    expect([row.service_id, row.weekdays, row.school_days_only]).toEqual([serviceId, [1, 2, 4, 5], false]);
    expect(res.headers.get("location")).toBe(`/agents/planning/offre/periodes/${row.id}?ok=creee`);
    expect((await audits("periods")).some((a) => a.entity_id === row.id && a.action === "create")).toBe(true);
  });
});
