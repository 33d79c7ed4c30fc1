import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../src/auth/tokens.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { seneParents, tenantOf } from "../helpers/auth-fixture.ts";
import { client, linkIn } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const PLOMBIERES = "plombieres.localhost:3000";
const SENE_ORIGIN = `http://${SENE}`;
const COOKIE = "__Host-parvis";
const GONE = "Ce lien n&#39;est plus valable";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

let ipSeq = 0;
const as = (host: string) => client(p.app, host, { ip: `192.0.2.${++ipSeq}` });
type Client = ReturnType<typeof as>;

const unique = (prefix: string) => `${prefix}.${randomBytes(3).toString("hex")}@sene.test`;

/** A fresh Séné parent account with a password (own household). */
const newSeneParent = seneParents({
  emailPrefix: "lien",
  numberBase: 9000,
  label: "LIEN",
  firstName: "Lien",
  civility: "Mme",
});

const user = (id: string) =>
  p.owner.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const userByEmail = (slug: string, email: string) =>
  p.owner
    .selectFrom("users")
    .selectAll()
    .where("tenant_id", "=", tenantOf(p, slug))
    .where("email", "=", email)
    .executeTakeFirst();
const outboxTo = (address: string) =>
  p.owner.selectFrom("outbox").select(["subject", "text_body"]).where("to_address", "=", address).execute();
const tokenRow = (path: string) =>
  p.owner
    .selectFrom("auth_tokens")
    .selectAll()
    .where("id", "=", hashToken(path.split("/").pop() ?? ""))
    .executeTakeFirstOrThrow();

async function signedIn(host: string, identifier: string, password: string, base = "") {
  const c = as(host);
  const res = await c.login(identifier, password, base);
  expect(res.status).toBe(303);
  return c;
}

let staff: Client;
async function staffCreates(email: string) {
  const since = lastId(p.mailbox);
  const res = await staff.post("/agents/familles/nouvelle", {
    household_name: "Famille NOUVELLE",
    civility: "Mme",
    first_name: "Nina",
    last_name: "Nouvelle",
    email,
  });
  return { res, since };
}

describe("account opening by activation link (Séné)", () => {
  beforeAll(async () => {
    staff = await signedIn(SENE, "admin@sene.test", DEMO_PASSWORD, "/agents");
  });

  it("staff opens the account; the parent chooses a password from the link and is signed in", async () => {
    const email = unique("nina");
    const { res, since } = await staffCreates(email);
    expect(res.status).toBe(200);
    const created = await res.text();
    expect(created).toContain("Compte famille créé");
    expect(created).toContain(`Un e-mail d'ouverture de compte a été envoyé à <strong>${email}</strong>`);
    const account = await userByEmail("sene", email);
    expect(account?.password_hash).toBeNull();
    expect(account?.last_name).toBe("NOUVELLE");

    const mail = await p.mailbox.waitFor(email, { since });
    expect(mail.subject).toBe("Ouverture de votre compte famille – Séné");
    expect(mail.text).toContain("Bonjour Nina NOUVELLE");
    const link = linkIn(mail.text, SENE_ORIGIN);
    expect(link).toMatch(/^\/activation\/[a-z2-7]{32}$/);
    const days = ((await tokenRow(link)).expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    // The rules are stated before the parent types.
    const parent = as(SENE);
    const form = await parent.get(link);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain("Création de votre mot de passe");
    expect(html).toContain(email);
    for (const rule of [
      "12 caractères minimum",
      "Au moins 1 majuscule",
      "Au moins 1 minuscule",
      "Au moins 1 caractère numérique",
    ]) {
      expect(html).toContain(rule);
    }

    // Too weak: what is missing, next to the field; nothing saved.
    const weak = await parent.post(link, { new_password: "soleil", confirm_password: "soleil" });
    expect(weak.status).toBe(422);
    const weakHtml = await weak.text();
    expect(weakHtml).toContain(
      'id="f-new_password-error">Il manque : 12 caractères minimum ; Au moins 1 majuscule ; Au moins 1 caractère numérique.',
    );
    expect(weakHtml).toContain('aria-describedby="f-new_password-hint f-new_password-error"');
    expect(weakHtml).not.toContain('value="soleil"');

    const mismatch = await parent.post(link, {
      new_password: "Bonne-Annee-2027",
      confirm_password: "Bonne-Annee-2028",
    });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain("Les deux mots de passe ne sont pas identiques.");
    expect((await userByEmail("sene", email))?.password_hash).toBeNull();
    expect((await tokenRow(link)).used_at).toBeNull();

    const chosen = "Bonne-Annee-2027";
    const since2 = lastId(p.mailbox);
    const done = await parent.post(link, { new_password: chosen, confirm_password: chosen });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/?message=compte-active");
    expect(parent.cookies.get(COOKIE)).toBeTruthy();
    const home = await (await parent.get("/?message=compte-active")).text();
    expect(home).toContain("Votre compte est activé. Bienvenue !");
    expect(home).toContain("Bienvenue Nina NOUVELLE");

    const confirmation = await p.mailbox.waitFor(email, { since: since2 });
    expect(confirmation.subject).toBe("Votre compte famille est activé – Séné");
    const activated = await userByEmail("sene", email);
    expect(activated?.email_verified_at).not.toBeNull();

    // Single use: GET and POST both say the link is spent.
    const again = await as(SENE).get(link);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain(GONE);
    const replay = await as(SENE).post(link, {
      new_password: "Autre-Essai-2027",
      confirm_password: "Autre-Essai-2027",
    });
    expect(replay.status).toBe(410);
    expect((await userByEmail("sene", email))?.password_hash).toBe(activated?.password_hash);

    // The chosen password is the one that works.
    expect((await as(SENE).login(email, chosen)).status).toBe(303);
  });

  it("an expired activation link is refused and sets nothing", async () => {
    const email = unique("expire");
    const { res, since } = await staffCreates(email);
    expect(res.status).toBe(200);
    const link = linkIn((await p.mailbox.waitFor(email, { since })).text, SENE_ORIGIN);
    await p.owner
      .updateTable("auth_tokens")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", hashToken(link.split("/").pop() ?? ""))
      .execute();

    const c = as(SENE);
    const form = await c.get(link);
    expect(form.status).toBe(410);
    expect(await form.text()).toContain(GONE);
    const post = await c.post(link, {
      new_password: "Bonne-Annee-2027",
      confirm_password: "Bonne-Annee-2027",
    });
    expect(post.status).toBe(410);
    expect(c.cookies.get(COOKIE)).toBeUndefined();
    expect((await userByEmail("sene", email))?.password_hash).toBeNull();
  });

  it("an unknown token is refused like a spent one", async () => {
    const res = await as(SENE).get("/activation/abcdefghijklmnopqrstuvwxyz234567");
    expect(res.status).toBe(410);
    expect(await res.text()).toContain(GONE);
  });

  it("staff cannot open a second account on an e-mail already used, and nothing is created", async () => {
    const households = async () =>
      (
        await p.owner
          .selectFrom("households")
          .select("id")
          .where("tenant_id", "=", tenantOf(p, "sene"))
          .execute()
      ).length;
    const before = await households();
    const { res } = await staffCreates("Lola.Test@sene.test");
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="f-email-error">Un compte famille utilise déjà cette adresse e-mail.');
    expect(html).toContain('value="Lola.Test@sene.test"');
    expect(await households()).toBe(before);
    expect(await outboxTo("lola.test@sene.test")).toEqual([]);
  });

  it("in Plombières, staff gets a temporary password to post, to be changed at first login", async () => {
    const admin = await signedIn(PLOMBIERES, "admin@plombieres.test", DEMO_PASSWORD, "/agents");
    const res = await admin.post("/agents/familles/nouvelle", {
      household_name: "M. PETIT",
      civility: "M.",
      first_name: "Pierre",
      last_name: "Petit",
      login: "PPetit",
      email: "",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    const temp = html.match(/Mot de passe provisoire<\/dt><dd><code>([^<]+)<\/code>/)?.[1];
    expect(temp).toMatch(/^\S{12}$/);
    expect(html).toContain("<dd>ppetit</dd>");

    const parent = as(PLOMBIERES);
    const login = await parent.login("ppetit", temp ?? "");
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/mot-de-passe");
    expect((await parent.get("/")).headers.get("location")).toBe("/mot-de-passe");
  });
});

describe("« Mot de passe oublié ? »", () => {
  it("answers the same for an existing and an unknown account; only the existing one gets an e-mail", async () => {
    const parent = await newSeneParent(p);
    const form = await as(SENE).get("/mot-de-passe-oublie");
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("Mot de passe oublié ?");

    const since = lastId(p.mailbox);
    const known = await as(SENE).post("/mot-de-passe-oublie", { identifier: parent.email });
    const unknownAddress = unique("inconnu");
    const unknown = await as(SENE).post("/mot-de-passe-oublie", { identifier: unknownAddress });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const knownHtml = await known.text();
    expect(knownHtml).toContain("Si un compte correspond à ce que vous avez saisi");
    expect(await unknown.text()).toBe(knownHtml);

    const mail = await p.mailbox.waitFor(parent.email, { since });
    expect(mail.subject).toBe("Réinitialisation de votre mot de passe – Séné");
    expect(linkIn(mail.text, SENE_ORIGIN)).toMatch(/^\/reinitialisation\/[a-z2-7]{32}$/);
    expect(await outboxTo(unknownAddress)).toEqual([]);
    expect(p.mailbox.list().some((m) => m.to.includes(unknownAddress))).toBe(false);
  });

  it("in Plombières, works from the identifiant and writes to the account's address", async () => {
    const since = lastId(p.mailbox);
    const res = await as(PLOMBIERES).post("/mot-de-passe-oublie", { identifier: "jdupont" });
    expect(res.status).toBe(200);
    const mail = await p.mailbox.waitFor("jean.dupont@plombieres.test", { since });
    expect(linkIn(mail.text, "http://plombieres.localhost:3000")).toMatch(/^\/reinitialisation\//);
  });

  it("a malformed e-mail is refused next to the field", async () => {
    const res = await as(SENE).post("/mot-de-passe-oublie", { identifier: "pas-une-adresse" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('aria-describedby="f-identifier-error"');
    expect(html).toContain('value="pas-une-adresse"');
  });

  it("the link works once: the old password stops working, the new one works, sessions end", async () => {
    const parent = await newSeneParent(p);
    const before = await signedIn(SENE, parent.email, parent.password);
    const since = lastId(p.mailbox);
    await as(SENE).post("/mot-de-passe-oublie", { identifier: parent.email });
    const link = linkIn((await p.mailbox.waitFor(parent.email, { since })).text, SENE_ORIGIN);
    const hours = ((await tokenRow(link)).expires_at.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(0.9);
    expect(hours).toBeLessThanOrEqual(1);

    const c = as(SENE);
    const form = await c.get(link);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("12 caractères minimum");
    const weak = await c.post(link, { new_password: "abcdefghijkl", confirm_password: "abcdefghijkl" });
    expect(weak.status).toBe(422);
    expect(await weak.text()).toContain("Il manque : Au moins 1 majuscule ; Au moins 1 caractère numérique.");

    const next = "Printemps-Neuf-2027";
    const since2 = lastId(p.mailbox);
    const res = await c.post(link, { new_password: next, confirm_password: next });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/connexion?message=mot-de-passe-reinitialise");
    const notice = await p.mailbox.waitFor(parent.email, { since: since2 });
    expect(notice.subject).toBe("Votre mot de passe a été modifié – Séné");

    expect(
      (await c.post(link, { new_password: "Autre-Chose-2027", confirm_password: "Autre-Chose-2027" })).status,
    ).toBe(410);
    expect((await c.get(link)).status).toBe(410);
    expect((await as(SENE).login(parent.email, parent.password)).status).toBe(401);
    expect((await as(SENE).login(parent.email, next)).status).toBe(303);
    // The session opened before the reset is gone.
    const profil = await before.get("/profil");
    expect(profil.status).toBe(303);
    expect(profil.headers.get("location")).toMatch(/^\/connexion/);
  });

  it("an expired reset link is refused and changes nothing", async () => {
    const parent = await newSeneParent(p);
    const since = lastId(p.mailbox);
    await as(SENE).post("/mot-de-passe-oublie", { identifier: parent.email });
    const link = linkIn((await p.mailbox.waitFor(parent.email, { since })).text, SENE_ORIGIN);
    await p.owner
      .updateTable("auth_tokens")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", hashToken(link.split("/").pop() ?? ""))
      .execute();
    const hash = (await user(parent.id)).password_hash;
    const res = await as(SENE).post(link, {
      new_password: "Trop-Tard-2027",
      confirm_password: "Trop-Tard-2027",
    });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain(GONE);
    expect((await user(parent.id)).password_hash).toBe(hash);
    expect((await as(SENE).login(parent.email, parent.password)).status).toBe(303);
  });
});

describe("changing the password (/mot-de-passe)", () => {
  it("asks the current password, applies the town's rules, confirms by e-mail", async () => {
    const parent = await newSeneParent(p);
    const c = await signedIn(SENE, parent.email, parent.password);
    const form = await c.get("/mot-de-passe");
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("12 caractères minimum");
    const hash = (await user(parent.id)).password_hash;
    const next = "Changement-Voulu-2027";

    const wrong = await c.post("/mot-de-passe", {
      current_password: "Pas-Le-Bon-2026",
      new_password: next,
      confirm_password: next,
    });
    expect(wrong.status).toBe(422);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('id="f-current_password-error">Le mot de passe actuel est incorrect.');
    expect(wrongHtml).not.toContain("Pas-Le-Bon-2026");

    const weak = await c.post("/mot-de-passe", {
      current_password: parent.password,
      new_password: "court",
      confirm_password: "court",
    });
    expect(weak.status).toBe(422);
    expect(await weak.text()).toContain("Il manque : 12 caractères minimum");

    const mismatch = await c.post("/mot-de-passe", {
      current_password: parent.password,
      new_password: next,
      confirm_password: `${next}!`,
    });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain("Les deux mots de passe ne sont pas identiques.");
    expect((await user(parent.id)).password_hash).toBe(hash);

    const since = lastId(p.mailbox);
    const done = await c.post("/mot-de-passe", {
      current_password: parent.password,
      new_password: next,
      confirm_password: next,
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/?message=mot-de-passe-modifie");
    expect(await (await c.get("/?message=mot-de-passe-modifie")).text()).toContain(
      "Votre mot de passe a été modifié.",
    );
    const mail = await p.mailbox.waitFor(parent.email, { since });
    expect(mail.subject).toBe("Votre mot de passe a été modifié – Séné");
    expect((await as(SENE).login(parent.email, parent.password)).status).toBe(401);
    expect((await as(SENE).login(parent.email, next)).status).toBe(303);
  });

  it("is only for a signed-in parent", async () => {
    const res = await as(SENE).get("/mot-de-passe");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/connexion/);
  });
});

describe("changing the e-mail address (/compte/email)", () => {
  it("asks the password: a wrong one changes nothing and sends nothing", async () => {
    const parent = await newSeneParent(p);
    const c = await signedIn(SENE, parent.email, parent.password);
    const target = unique("nouvelle");
    const res = await c.post("/compte/email", { email: target, password: "Pas-Le-Bon-2026" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="f-password-error">Le mot de passe est incorrect.');
    expect(html).toContain(`value="${target}"`);
    expect(html).not.toContain("Pas-Le-Bon-2026");
    expect((await user(parent.id)).email).toBe(parent.email);
    expect(await outboxTo(target)).toEqual([]);
    const tokens = await p.owner
      .selectFrom("auth_tokens")
      .select("id")
      .where("user_id", "=", parent.id)
      .execute();
    expect(tokens).toEqual([]);

    const bad = await c.post("/compte/email", { email: "pas-une-adresse", password: parent.password });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('id="f-email-error">L&#39;adresse e-mail n&#39;est pas valide');
  });

  it("confirms the new address by a link sent to it, warns the old one, and the link works once", async () => {
    const parent = await newSeneParent(p);
    const c = await signedIn(SENE, parent.email, parent.password);
    const target = unique("nouvelle");
    const since = lastId(p.mailbox);
    const res = await c.post("/compte/email", { email: target.toUpperCase(), password: parent.password });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/profil?message=email-envoye");

    const confirm = await p.mailbox.waitFor(target, { since });
    expect(confirm.subject).toBe("Confirmez votre nouvelle adresse e-mail – Séné");
    const link = linkIn(confirm.text, SENE_ORIGIN);
    expect(link).toMatch(/^\/compte\/email\/[a-z2-7]{32}$/);
    const notice = await p.mailbox.waitFor(parent.email, { since });
    expect(notice.subject).toBe("Demande de changement d'adresse e-mail – Séné");
    expect(notice.text).toContain(target);
    // Nothing changes before the new address confirms.
    expect((await user(parent.id)).email).toBe(parent.email);

    // Opened from the new mailbox, maybe on another device, signed out.
    const other = as(SENE);
    const page = await other.get(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(target);
    expect(html).toContain('<button type="submit">Confirmer cette adresse</button>');
    expect((await user(parent.id)).email).toBe(parent.email);

    const done = await other.post(link);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/connexion?message=email-modifie");
    const changed = await user(parent.id);
    expect(changed.email).toBe(target);
    expect(changed.email_verified_at).not.toBeNull();

    expect((await other.get(link)).status).toBe(410);
    expect((await other.post(link)).status).toBe(410);
    expect((await as(SENE).login(parent.email, parent.password)).status).toBe(401);
    expect((await as(SENE).login(target, parent.password)).status).toBe(303);
  });

  it("refuses to confirm an address another account took in the meantime", async () => {
    const parent = await newSeneParent(p);
    const rival = await newSeneParent(p);
    const c = await signedIn(SENE, parent.email, parent.password);
    const target = unique("convoitee");
    const since = lastId(p.mailbox);
    expect((await c.post("/compte/email", { email: target, password: parent.password })).status).toBe(303);
    const link = linkIn((await p.mailbox.waitFor(target, { since })).text, SENE_ORIGIN);
    await p.owner.updateTable("users").set({ email: target }).where("id", "=", rival.id).execute();

    const res = await c.post(link);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("Cette adresse e-mail est déjà utilisée par un autre compte.");
    expect((await user(parent.id)).email).toBe(parent.email);
  });
});
