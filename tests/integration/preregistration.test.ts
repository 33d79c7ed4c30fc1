import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { client, linkIn } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

const SENE = "sene.localhost:3000";
const SENNECEY = "senneceylesdijon.localhost:3000";
const PLOMBIERES = "plombieres.localhost:3000";
let ipCount = 0;
/** Each family its own address, so that the per-address limit only bites where tested. */
const nextIp = () => `198.51.100.${++ipCount}`;

const form = (over: Record<string, string> = {}) => ({
  civility: "Mme",
  last_name: "Nouvelle",
  first_name: "Inès",
  email: "ines.nouvelle@exemple.test",
  phone: "06 12 34 56 78",
  address_line: "3 rue des Tilleuls",
  postal_code: "56860",
  city: "Séné",
  other_last_name: "",
  other_first_name: "",
  other_phone: "",
  child1_first_name: "Léo",
  child1_last_name: "Nouvelle",
  child1_birth_date: "2018-04-02",
  child1_school: "École du Poulfanc",
  child1_class_level: "CE1",
  site_web: "",
  ...over,
});

const tenantId = (slug: string) => p.tenants.get(slug) as string;
const preregs = (slug: string, email: string) =>
  p.owner
    .selectFrom("preregistrations")
    .selectAll()
    .where("tenant_id", "=", tenantId(slug))
    .where("email", "=", email)
    .execute();

async function sendForm(host: string, over: Record<string, string> = {}, ip = nextIp()) {
  return client(p.app, host, { ip }).post("/preinscription", form(over));
}

/** Sends a good form and waits for its receipt, so that later mails are told apart. */
async function preregister(host: string, over: Record<string, string>) {
  const since = lastId(p.mailbox);
  expect((await sendForm(host, over)).status).toBe(200);
  await p.mailbox.waitFor(over.email as string, { since });
}

async function staffOf(host: string, email: string) {
  const c = client(p.app, host, { ip: nextIp() });
  expect((await c.login(email, DEMO_PASSWORD, "/agents")).status).toBe(303);
  return c;
}

async function pendingId(slug: string, email: string): Promise<string> {
  const rows = await preregs(slug, email);
  const row = rows.find((r) => r.status === "pending");
  if (!row) throw new Error(`no pending pre-registration for ${email}`);
  return row.id;
}

describe("the public « Fiche de préinscription »", () => {
  it("is linked from the front page, and from Plombières' login box as the guide says", async () => {
    const sene = await (await client(p.app, SENE).get("/")).text();
    expect(sene).toContain('<a href="/preinscription">Nouvelle inscription</a>');
    const plombieres = await (await client(p.app, PLOMBIERES).get("/")).text();
    expect(plombieres).toContain(
      'Si vous ne les possédez pas, veuillez remplir le formulaire : <a href="/preinscription">nouvelle inscription</a>',
    );
    const page = await client(p.app, SENE).get("/preinscription");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Fiche de préinscription");
    expect(html).toContain('name="child4_birth_date"');
  });

  it("stores a good form as pending and confirms receipt by e-mail", async () => {
    const email = "accuse.reception@exemple.test";
    const since = lastId(p.mailbox);
    const res = await sendForm(SENE, { email, other_last_name: "Autre", other_first_name: "Alex" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(
      `Un e-mail de confirmation vous a été adressé à <strong>${email}</strong>`,
    );
    const [row] = await preregs("sene", email);
    expect(row).toMatchObject({ status: "pending", last_name: "NOUVELLE", phone: "06 12 34 56 78" });
    expect(row?.other_last_name).toBe("AUTRE");
    expect(row?.children).toEqual([
      {
        first_name: "Léo",
        last_name: "NOUVELLE",
        birth_date: "2018-04-02",
        school: "École du Poulfanc",
        class_level: "CE1",
      },
    ]);
    const mail = await p.mailbox.waitFor(email, { since });
    expect(mail.subject).toBe("Votre préinscription a bien été reçue – Séné");
    expect(mail.text).toContain("enfants : Léo");
  });

  it("answers bad input with 422 at each field, keeps the values and saves nothing", async () => {
    const email = "mauvaise.saisie@exemple.test";
    const res = await sendForm(SENE, {
      email,
      phone: "12",
      postal_code: "5686",
      first_name: "",
      other_phone: "06 00 00 00 01",
      child1_birth_date: "2099-01-01",
      child2_first_name: "Zoé",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    for (const [field, message] of [
      ["phone", "Numéro de téléphone invalide"],
      ["postal_code", "Code postal invalide : 5 chiffres."],
      ["first_name", "Ce champ est obligatoire."],
      ["other_last_name", "Ce champ est obligatoire."],
      ["child1_birth_date", "La date de naissance ne peut pas être dans le futur."],
      ["child2_last_name", "Ce champ est obligatoire."],
      ["child2_birth_date", "Indiquez la date de naissance."],
    ]) {
      expect(html, field).toMatch(new RegExp(`id="f-${field}-error">${message}`));
      expect(html, field).toContain(`aria-describedby="f-${field}-error"`);
    }
    expect(html).toContain('value="Zoé"');
    expect(html).toContain('value="3 rue des Tilleuls"');
    expect(await preregs("sene", email)).toEqual([]);
  });

  it("keeps nothing from a robot that fills the honeypot, and answers it as a family", async () => {
    const email = "robot@exemple.test";
    const res = await sendForm(SENE, { email, site_web: "http://spam.example" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Préinscription envoyée");
    expect(await preregs("sene", email)).toEqual([]);
  });

  it("limits the forms sent from one address: after 5 in a day, the next one waits", async () => {
    const ip = "203.0.113.77";
    for (let i = 1; i <= 5; i++) {
      expect((await sendForm(SENNECEY, { email: `serie${i}@exemple.test` }, ip)).status).toBe(200);
    }
    const sixth = await sendForm(SENNECEY, { email: "serie6@exemple.test" }, ip);
    expect(sixth.status).toBe(429);
    expect(await sixth.text()).toContain("Trop de préinscriptions ont été envoyées depuis cette connexion.");
    expect(await preregs("senneceylesdijon", "serie6@exemple.test")).toEqual([]);
    // Another address is not slowed down.
    expect((await sendForm(SENNECEY, { email: "serie7@exemple.test" })).status).toBe(200);
  });
});

describe("staff « Préinscriptions »", () => {
  it("accepting creates the household, both guardians, the children and the account; the activation link logs the parent in", async () => {
    const email = "famille.acceptee@exemple.test";
    await preregister(SENE, {
      email,
      other_last_name: "Nouvelle",
      other_first_name: "Hugo",
      other_phone: "0611223344",
      child2_first_name: "Lina",
      child2_last_name: "Nouvelle",
      child2_birth_date: "2020-09-15",
    });
    const id = await pendingId("sene", email);
    const staff = await staffOf(SENE, "agent@sene.test");
    expect(await (await staff.get("/agents")).text()).toContain('href="/agents/preinscriptions"');
    const list = await (await staff.get("/agents/preinscriptions")).text();
    expect(list).toContain(`href="/agents/preinscriptions/${id}"`);
    const detail = await (await staff.get(`/agents/preinscriptions/${id}`)).text();
    expect(detail).toContain("Lina NOUVELLE, né(e) le 15/09/2020");

    const since = lastId(p.mailbox);
    const res = await staff.post(`/agents/preinscriptions/${id}/accepter`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Préinscription acceptée");
    const number = html.match(/N° Famille <strong>(\d+)<\/strong>/)?.[1];
    expect(number).toBeTruthy();

    const household = await p.owner
      .selectFrom("households")
      .selectAll()
      .where("tenant_id", "=", tenantId("sene"))
      .where("number", "=", number as string)
      .executeTakeFirstOrThrow();
    expect(household).toMatchObject({ name: "Famille NOUVELLE", city: "Séné", phone_main: "06 12 34 56 78" });
    const guardians = await p.owner
      .selectFrom("guardians")
      .select(["rank", "first_name", "user_id", "phone_mobile"])
      .where("household_id", "=", household.id)
      .orderBy("rank")
      .execute();
    expect(guardians.map((g) => [g.rank, g.first_name, g.phone_mobile])).toEqual([
      [1, "Inès", "06 12 34 56 78"],
      [2, "Hugo", "06 11 22 33 44"],
    ]);
    expect(guardians[0]?.user_id).toBeTruthy();
    const children = await p.owner
      .selectFrom("children")
      .select(["first_name", "birth_date", "school"])
      .where("household_id", "=", household.id)
      .orderBy("birth_date")
      .execute();
    expect(children.map((ch) => ch.first_name)).toEqual(["Léo", "Lina"]);
    const [row] = await preregs("sene", email);
    expect(row).toMatchObject({ status: "accepted", household_id: household.id });
    const audited = await p.owner
      .selectFrom("audit_log")
      .select("entity")
      .where("household_id", "=", household.id)
      .execute();
    expect(audited.filter((a) => a.entity === "children")).toHaveLength(2);

    const mail = await p.mailbox.waitFor(email, { since });
    expect(mail.subject).toBe("Ouverture de votre compte famille – Séné");
    const parent = client(p.app, SENE, { ip: nextIp() });
    const link = linkIn(mail.text, "http://sene.localhost:3000");
    const chosen = "Nouvelle-Famille-2027";
    const done = await parent.post(link, { new_password: chosen, confirm_password: chosen });
    expect(done.status).toBe(303);
    const kids = await (await parent.get("/enfants")).text();
    expect(kids).toContain("Léo");
    expect(kids).toContain("Lina");

    // Decided once: a second decision is refused and changes nothing.
    expect((await staff.post(`/agents/preinscriptions/${id}/accepter`)).status).toBe(410);
    expect(await (await staff.get("/agents/preinscriptions")).text()).not.toContain(id);
  });

  it("an e-mail already used by a parent account gets a clear message, and nothing is created", async () => {
    const email = "lola.test@sene.test";
    await preregister(SENE, { email });
    const id = await pendingId("sene", email);
    const households = async () =>
      (
        await p.owner
          .selectFrom("households")
          .select("id")
          .where("tenant_id", "=", tenantId("sene"))
          .execute()
      ).length;
    const before = await households();
    const staff = await staffOf(SENE, "admin@sene.test");
    const res = await staff.post(`/agents/preinscriptions/${id}/accepter`);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain(
      "Un compte famille utilise déjà cette adresse e-mail. Rien n&#39;a été créé.",
    );
    expect(await households()).toBe(before);
    expect((await preregs("sene", email))[0]?.status).toBe("pending");
  });

  it("refusing needs a reason, and e-mails it to the family", async () => {
    const email = "famille.refusee@exemple.test";
    await preregister(SENE, { email });
    const id = await pendingId("sene", email);
    const staff = await staffOf(SENE, "agent@sene.test");
    const empty = await staff.post(`/agents/preinscriptions/${id}/refuser`, { reason: " " });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('id="f-reason-error">Indiquez le motif du refus.');
    expect((await preregs("sene", email))[0]?.status).toBe("pending");

    const since = lastId(p.mailbox);
    const res = await staff.post(`/agents/preinscriptions/${id}/refuser`, {
      reason: "Famille hors commune.",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/agents/preinscriptions?message=refusee");
    expect((await preregs("sene", email))[0]).toMatchObject({
      status: "refused",
      reason: "Famille hors commune.",
    });
    const mail = await p.mailbox.waitFor(email, { since });
    expect(mail.subject).toBe("Votre préinscription n'a pas été retenue – Séné");
    expect(mail.text).toContain("Motif : Famille hors commune.");
  });

  it("in Plombières, accepting gives an identifiant from the name and a temporary password to post", async () => {
    const email = "jean.durand@exemple.test";
    await preregister(PLOMBIERES, { email, civility: "M.", first_name: "Jean", last_name: "Dupont" });
    const id = await pendingId("plombieres", email);
    const staff = await staffOf(PLOMBIERES, "agent@plombieres.test");
    const res = await staff.post(`/agents/preinscriptions/${id}/accepter`);
    expect(res.status).toBe(200);
    const html = await res.text();
    // « jdupont » is taken by the demo family.
    expect(html).toContain("<dt>Identifiant</dt><dd>jdupont2</dd>");
    const password = html.match(/<code>([^<]+)<\/code>/)?.[1] as string;
    const parent = client(p.app, PLOMBIERES, { ip: nextIp() });
    const login = await parent.login("jdupont2", password);
    expect(login.status).toBe(303);
    const user = await p.owner
      .selectFrom("users")
      .select(["must_change_password", "email"])
      .where("tenant_id", "=", tenantId("plombieres"))
      .where("login", "=", "jdupont2")
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ must_change_password: true, email });
  });
});

describe("isolation", () => {
  it("a town's pre-registration is not found from another town", async () => {
    const email = "isolement@exemple.test";
    await preregister(SENE, { email });
    const id = await pendingId("sene", email);
    const other = await staffOf(SENNECEY, "admin@senneceylesdijon.test");
    expect((await other.get(`/agents/preinscriptions/${id}`)).status).toBe(404);
    expect((await other.post(`/agents/preinscriptions/${id}/accepter`)).status).toBe(404);
    expect((await other.post(`/agents/preinscriptions/${id}/refuser`, { reason: "x" })).status).toBe(404);
    expect(await (await other.get("/agents/preinscriptions")).text()).not.toContain(email);
    expect((await other.get("/agents/preinscriptions/not-a-uuid")).status).toBe(404);
    expect((await preregs("sene", email))[0]?.status).toBe("pending");
  });

  it("parents get 403 on the staff pages and cannot decide", async () => {
    const email = "parent.intrus@exemple.test";
    await preregister(SENE, { email });
    const id = await pendingId("sene", email);
    const parent = client(p.app, SENE, { ip: nextIp() });
    expect((await parent.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    expect((await parent.get("/agents/preinscriptions")).status).toBe(403);
    expect((await parent.get(`/agents/preinscriptions/${id}`)).status).toBe(403);
    expect((await parent.post(`/agents/preinscriptions/${id}/accepter`)).status).toBe(403);
    expect((await parent.post(`/agents/preinscriptions/${id}/refuser`, { reason: "x" })).status).toBe(403);
    expect((await preregs("sene", email))[0]?.status).toBe("pending");
  });
});
