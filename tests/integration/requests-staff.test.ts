/**
 * « Demandes à traiter » (Plombières): pending requests with old → new values, accept (the
 * change applies atomically, the family is e-mailed), refuse with a required reason, and a
 * request made stale by a later change is shown before it applies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import type { Values } from "../../src/features/requests/section-handler.ts";
import * as requestsService from "../../src/features/requests/service.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { type Account, account, decide, request, requestStatus } from "../helpers/requests-fixture.ts";

const HOST = "plombieres.localhost:3000";
let p: TestPlatform;
let tenant: Tenant;
let dupont: Account;
let staffId: string;
let staff: ReturnType<typeof client>;
let ip = 0;

beforeAll(async () => {
  p = await createTestPlatform();
  const site = await p.deps.sites.resolve(HOST);
  if (site.kind !== "tenant") throw new Error("no Plombières");
  tenant = site.tenant;
  dupont = await account(p, tenant, "jdupont");
  staffId = (await account(p, tenant, "admin@plombieres.test")).userId;
  staff = client(p.app, HOST, { ip: `192.0.2.${++ip}` });
  expect((await staff.login("admin@plombieres.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
});
afterAll(async () => {
  await p?.close();
});

const address = () =>
  p.owner
    .selectFrom("households")
    .select(["address_line", "city"])
    .where("id", "=", dupont.householdId)
    .executeTakeFirstOrThrow();

/** Staff change the file directly (applied at once), as the household page would. */
const staffChange = (values: Values) =>
  p.db.withTenant({ role: "app_staff", tenantId: tenant.id, userId: staffId }, (trx) =>
    requestsService.submitChange(
      trx,
      { tenant, actor: { kind: "staff", userId: staffId }, householdId: dupont.householdId },
      "coordonnees",
      null,
      values,
    ),
  );

/** The family's decision e-mail about `about`, once the job worker has relayed it. */
async function decisionMail(subject: string, about: string, since: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const hit = p.mailbox
      .list()
      .find(
        (m) =>
          m.id > since &&
          m.to.includes("jean.dupont@plombieres.test") &&
          m.subject.startsWith(subject) &&
          m.text.includes(about),
      );
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no e-mail « ${subject} »`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("« Demandes à traiter »", () => {
  it("lists pending requests oldest first, with household, N° Famille, old → new and what is missing", async () => {
    await staffChange({ address_line: "12 RUE DES BONBONS", city: "SAINT - JEAN" });
    const first = await request(p, tenant, dupont, "coordonnees", { address_line: "1 rue Haute" });
    const second = await request(p, tenant, dupont, "bancaire", { iban: "FR7630006000011234567890189" });
    const res = await staff.get("/agents/demandes");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>Demandes à traiter</h1>");
    expect(html.indexOf(first)).toBeLessThan(html.indexOf(second));
    expect(html).toContain("M. et Mme DUPONT");
    expect(html).toContain("1001001818331");
    expect(html).toMatch(/12 RUE DES BONBONS<\/td><td>1 rue Haute/);
    expect(html).toContain("FR7630006000011234567890189");
    expect(html).toContain("Dossier incomplet : Téléphone domicile (Moi)");
    expect(await (await staff.get("/agents")).text()).toContain('href="/agents/demandes"');
    await decide(p, tenant, staffId, first, { accept: false, reason: "nettoyage" });
    await decide(p, tenant, staffId, second, { accept: false, reason: "nettoyage" });
  });

  it("« Accepter » applies the change with the request and e-mails the family", async () => {
    const id = await request(p, tenant, dupont, "coordonnees", { address_line: "7 place de la Mairie" });
    expect((await address()).address_line).not.toBe("7 place de la Mairie");
    const since = lastId(p.mailbox);
    const res = await staff.post(`/agents/demandes/${id}/accepter`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/agents/demandes?message=demande-acceptee");
    expect((await address()).address_line).toBe("7 place de la Mairie");
    const row = await p.owner
      .selectFrom("change_requests")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("accepted");
    expect(row.decided_by).toBe(staffId);
    const mail = await decisionMail("Votre demande a été acceptée", "« Coordonnées »", since);
    expect(mail.text).toContain("Coordonnées");
    expect((await staff.post(`/agents/demandes/${id}/accepter`)).status).toBe(409);
  });

  it("an accept that fails to apply leaves the request pending and the file unchanged (one transaction)", async () => {
    const id = await request(p, tenant, dupont, "caf", { family_quotient: -5, caf_number: "123456" });
    const res = await staff.post(`/agents/demandes/${id}/accepter`);
    expect(res.status).toBe(500);
    expect(await requestStatus(p, id)).toBe("pending");
    const caf = await p.owner
      .selectFrom("households")
      .select("caf_number")
      .where("id", "=", dupont.householdId)
      .executeTakeFirstOrThrow();
    expect(caf.caf_number).not.toBe("123456");
    await decide(p, tenant, staffId, id, { accept: false, reason: "quotient négatif" });
  });

  it("« Refuser » needs a reason (422, nothing changes), then e-mails it", async () => {
    const id = await request(p, tenant, dupont, "coordonnees", { city: "DIJON" });
    const empty = await staff.post(`/agents/demandes/${id}/refuser`, { reason: "   " });
    expect(empty.status).toBe(422);
    const html = await empty.text();
    expect(html).toContain("Indiquez le motif du refus");
    expect(html).toContain(`aria-describedby="motif-${id}-error"`);
    expect(await requestStatus(p, id)).toBe("pending");
    const since = lastId(p.mailbox);
    const res = await staff.post(`/agents/demandes/${id}/refuser`, { reason: "Adresse hors commune" });
    expect(res.status).toBe(303);
    const row = await p.owner
      .selectFrom("change_requests")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect([row.status, row.reason]).toEqual(["refused", "Adresse hors commune"]);
    expect((await address()).city).not.toBe("DIJON");
    const mail = await decisionMail("Votre demande a été refusée", "Adresse hors commune", since);
    expect(mail.text).toContain("Motif : Adresse hors commune");
  });

  it("a request made stale by a later change says so, and applies only when confirmed", async () => {
    const id = await request(p, tenant, dupont, "coordonnees", { address_line: "9 rue Neuve" });
    await staffChange({ address_line: "10 avenue Foch" });
    const res = await staff.post(`/agents/demandes/${id}/accepter`);
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("Le dossier a changé depuis cette demande.");
    expect(html).toContain("Adresse : 10 avenue Foch");
    expect(html).toContain("Appliquer quand même");
    expect(await requestStatus(p, id)).toBe("pending");
    expect((await address()).address_line).toBe("10 avenue Foch");
    const confirmed = await staff.post(`/agents/demandes/${id}/accepter`, { confirmer: "1" });
    expect(confirmed.status).toBe(303);
    expect((await address()).address_line).toBe("9 rue Neuve");
    expect(await requestStatus(p, id)).toBe("accepted");
  });

  it("another town's staff cannot decide a Plombières request (404)", async () => {
    const id = await request(p, tenant, dupont, "coordonnees", { city: "FONTAINE" });
    const sene = client(p.app, "sene.localhost:3000", { ip: `192.0.2.${++ip}` });
    expect((await sene.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect((await sene.post(`/agents/demandes/${id}/accepter`)).status).toBe(404);
    expect((await sene.post(`/agents/demandes/${id}/refuser`, { reason: "x" })).status).toBe(404);
    expect(await (await sene.get("/agents/demandes")).text()).not.toContain("FONTAINE");
    expect(await requestStatus(p, id)).toBe("pending");
  });
});
