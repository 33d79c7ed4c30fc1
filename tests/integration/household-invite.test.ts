/**
 * « Inviter à créer son propre accès » (issue 3, item 2): the other guardian gets their own
 * login on the same household; activation, « Moi » and « Mon profil » for them; refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { client, linkIn } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const SENNECEY = "senneceylesdijon.localhost:3000";
const PLOMBIERES = "plombieres.localhost:3000";
const PARTNER_EMAIL = "parent2.mairie@senneceylesdijon.test";
const NEW_PASSWORD = "Bonne-Annee-2027";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

let ip = 0;
const as = (host: string) => client(p.app, host, { ip: `203.0.113.${++ip}` });
async function parent(host: string, identifier: string, password = DEMO_PASSWORD) {
  const c = as(host);
  expect((await c.login(identifier, password)).status).toBe(303);
  return c;
}
const tenantId = (slug: string) => p.tenants.get(slug) as string;
const household = (slug: string, number = "1001") =>
  p.owner
    .selectFrom("households")
    .selectAll()
    .where("tenant_id", "=", tenantId(slug))
    .where("number", "=", number)
    .executeTakeFirstOrThrow();
const guardian = async (slug: string, rank: 1 | 2, number = "1001") =>
  p.owner
    .selectFrom("guardians")
    .selectAll()
    .where("household_id", "=", (await household(slug, number)).id)
    .where("rank", "=", rank)
    .executeTakeFirstOrThrow();
const parentsWith = (slug: string, email: string) =>
  p.owner
    .selectFrom("users")
    .selectAll()
    .where("tenant_id", "=", tenantId(slug))
    .where("kind", "=", "parent")
    .where("email", "=", email)
    .execute();
const invites = async (slug: string) =>
  p.owner
    .selectFrom("audit_log")
    .selectAll()
    .where("tenant_id", "=", tenantId(slug))
    .where("action", "=", "invite")
    .execute();

describe("inviting the other guardian (Sennecey, login by e-mail)", () => {
  it("opens their own login on the same household; they activate it and see their own profile", async () => {
    const holder = await parent(SENNECEY, "parent1.mairie@senneceylesdijon.test");
    const before = await (await holder.get("/foyer")).text();
    expect(before).not.toContain("Inviter à créer son propre accès");
    const saved = await holder.post("/foyer/autre-responsable", {
      civility: "Mme",
      last_name: "MAIRIE",
      first_name: "Parent 2",
      email: PARTNER_EMAIL,
    });
    expect(saved.status).toBe(303);
    expect(await (await holder.get("/foyer")).text()).toContain("Inviter à créer son propre accès");

    const partner = await guardian("senneceylesdijon", 2);
    const since = lastId(p.mailbox);
    const invited = await holder.post("/foyer/autre-responsable/inviter", { guardian: partner.id });
    expect(invited.headers.get("location")).toBe("/foyer?message=invite");
    const [account] = await parentsWith("senneceylesdijon", PARTNER_EMAIL);
    expect(account).toMatchObject({
      household_id: (await household("senneceylesdijon")).id,
      first_name: "Parent 2",
      last_name: "MAIRIE",
      password_hash: null,
    });
    expect((await guardian("senneceylesdijon", 2)).user_id).toBe(account?.id);
    const [audit] = await invites("senneceylesdijon");
    expect(audit).toMatchObject({ entity: "guardians", entity_id: partner.id, fields: ["user_id"] });
    expect(audit?.actor_id).toBe((await guardian("senneceylesdijon", 1)).user_id);

    const foyer = await (await holder.get("/foyer")).text();
    expect(foyer).toContain("Accès personnel : invitation envoyée");
    expect(foyer).not.toContain("Inviter à créer son propre accès");
    expect(foyer).not.toContain("Supprimer l'autre responsable");

    // The invited parent chooses a password from the e-mail, then logs in on their own.
    const mail = await p.mailbox.waitFor(PARTNER_EMAIL, { since });
    const link = linkIn(mail.text, `http://${SENNECEY}`);
    const activated = await as(SENNECEY).post(link, {
      new_password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    });
    expect(activated.status).toBe(303);
    const other = await parent(SENNECEY, PARTNER_EMAIL, NEW_PASSWORD);
    const theirFoyer = await (await other.get("/foyer")).text();
    expect(theirFoyer).toContain("N° Famille : <strong>1001</strong>");
    const [moi, autre] = theirFoyer.split("<h2>Autre responsable</h2>");
    expect(moi).toContain("Parent 2 MAIRIE");
    expect(autre?.split("<h2>")[0]).toContain("Parent 1 MAIRIE");
    expect(await (await holder.get("/foyer")).text()).toContain("Accès personnel : actif");

    const profile = await (await other.get("/profil")).text();
    expect(profile).toContain("N° Famille : <strong>1001</strong>");
    expect(profile).toContain("<dt>Prénom</dt><dd>Parent 2</dd>");
    expect(profile).not.toContain("Préférences de contact");
    const edit = await other.post("/profil/modifier", {
      civility: "Mme",
      last_name: "mairie",
      first_name: "Parent 2",
      profession: "Infirmière",
    });
    expect(edit.headers.get("location")).toBe("/profil?message=enregistre");
    expect((await guardian("senneceylesdijon", 2)).profession).toBe("Infirmière");
    expect((await guardian("senneceylesdijon", 1)).profession).not.toBe("Infirmière");

    // Their own row is theirs to edit from « Mon profil » only; nobody removes them from « Mon foyer ».
    expect((await other.get("/foyer/autre-responsable")).status).toBe(404);
    expect((await other.post("/foyer/autre-responsable/supprimer")).status).toBe(404);
    expect((await holder.post("/foyer/autre-responsable/supprimer")).status).toBe(409);
    expect((await guardian("senneceylesdijon", 2)).user_id).toBe(account?.id);
  });

  it("refuses a guardian of another household with 404 and creates nothing", async () => {
    const other = await p.owner
      .insertInto("households")
      .values({ tenant_id: tenantId("senneceylesdijon"), number: "1999", name: "Famille AUTRE" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const stranger = await p.owner
      .insertInto("guardians")
      .values({
        tenant_id: tenantId("senneceylesdijon"),
        household_id: other.id,
        rank: 2,
        first_name: "Paul",
        last_name: "AUTRE",
        email: "paul.autre@senneceylesdijon.test",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const holder = await parent(SENNECEY, "parent1.mairie@senneceylesdijon.test");
    const res = await holder.post("/foyer/autre-responsable/inviter", { guardian: stranger.id });
    expect(res.status).toBe(404);
    expect(await parentsWith("senneceylesdijon", "paul.autre@senneceylesdijon.test")).toEqual([]);
    expect((await holder.post("/foyer/autre-responsable/inviter", { guardian: "x" })).status).toBe(404);
  });
});

describe("refusals", () => {
  it("an e-mail already used by a family account: the same answer, a note to that address, nothing created", async () => {
    const c = await parent(SENE, "lola.test@sene.test");
    await c.post("/foyer/autre-responsable", {
      last_name: "TEST",
      first_name: "Marc",
      email: "lola.test@sene.test",
    });
    const partner = await guardian("sene", 2);
    const res = await c.post("/foyer/autre-responsable/inviter", { guardian: partner.id });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/foyer?message=invite");
    expect(await parentsWith("sene", "lola.test@sene.test")).toHaveLength(1);
    expect((await guardian("sene", 2)).user_id).toBeNull();
    expect(await invites("sene")).toEqual([]);
    const queued = await p.owner
      .selectFrom("outbox")
      .select("subject")
      .where("tenant_id", "=", tenantId("sene"))
      .where("to_address", "=", "lola.test@sene.test")
      .execute();
    expect(queued.map((q) => q.subject)).toContain("Invitation sur le Portail Famille – Séné");
    expect(queued.some((q) => q.subject.startsWith("Ouverture"))).toBe(false);
  });

  it("a household sends a few invitations, then is asked to wait", async () => {
    const c = await parent(SENE, "lola.test@sene.test");
    const partner = await guardian("sene", 2);
    // Three a household at most in a row (the test above may have spent one).
    const sent: Response[] = [];
    for (let i = 0; i < 4; i++)
      sent.push(await c.post("/foyer/autre-responsable/inviter", { guardian: partner.id }));
    expect(sent[0]?.status).toBe(303);
    const last = sent[3] as Response;
    expect(last.status).toBe(422);
    expect(await last.text()).toContain("Vous avez envoyé plusieurs invitations en peu de temps.");
  });

  it("Plombières opens accounts itself: no button, and the route is not found", async () => {
    const partner = await guardian("plombieres", 2, "1001001818331");
    await p.owner
      .updateTable("guardians")
      .set({ email: "jeanne.dupont@plombieres.test" })
      .where("id", "=", partner.id)
      .execute();
    const c = await parent(PLOMBIERES, "jdupont");
    const foyer = await (await c.get("/foyer")).text();
    expect(foyer).toContain("jeanne.dupont@plombieres.test");
    expect(foyer).not.toContain("Inviter à créer son propre accès");
    const res = await c.post("/foyer/autre-responsable/inviter", { guardian: partner.id });
    expect(res.status).toBe(404);
    expect(await parentsWith("plombieres", "jeanne.dupont@plombieres.test")).toEqual([]);
  });
});
