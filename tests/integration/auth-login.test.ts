import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../src/auth/tokens.ts";
import { DEMO_LETTER_PASSWORD, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { seneParents, tenantOf } from "../helpers/auth-fixture.ts";
import { client, linkIn } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const SENNECEY = "senneceylesdijon.localhost:3000";
const PLOMBIERES = "plombieres.localhost:3000";
const COOKIE = "__Host-parvis";
const WRONG = "Mauvais-Secret-99";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

// Every client gets its own address: the per-IP counter must not leak from one test to the next.
let ipSeq = 0;
const nextIp = () => `198.51.100.${++ipSeq}`;
const as = (host: string) => client(p.app, host, { ip: nextIp() });

/** A fresh Séné parent account (own household), so a test can block or change it freely. */
const newSeneParent = seneParents({
  emailPrefix: "parent",
  numberBase: 7000,
  label: "ESSAI",
  firstName: "Essai",
  civility: "Mme",
});

async function userId(slug: string, field: "email" | "login", value: string) {
  const row = await p.owner
    .selectFrom("users")
    .select("id")
    .where("tenant_id", "=", tenantOf(p, slug))
    .where(field, "=", value)
    .executeTakeFirstOrThrow();
  return row.id;
}

function sessionCookie(res: Response) {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${COOKIE}=`));
  if (!line) return undefined;
  const [pair = "", ...attrs] = line.split(";").map((s) => s.trim());
  return { token: pair.slice(COOKIE.length + 1), attrs, line };
}

const throttleRow = (slug: string, key: string) =>
  p.owner
    .selectFrom("login_throttle")
    .selectAll()
    .where("tenant_id", "=", tenantOf(p, slug))
    .where("key", "=", key)
    .executeTakeFirst();

async function failTimes(c: ReturnType<typeof as>, identifier: string, times: number) {
  for (let i = 0; i < times; i++) {
    const res = await c.login(identifier, WRONG);
    expect(res.status, `failure ${i + 1}`).toBe(401);
  }
}

describe("logging in", () => {
  it("a Séné parent logs in by e-mail (any case) and gets a host-only __Host- session cookie", async () => {
    const c = as(SENE);
    const res = await c.login("Lola.Test@Sene.test", DEMO_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");

    const cookie = sessionCookie(res);
    expect(cookie).toBeDefined();
    const attrs = (cookie?.attrs ?? []).map((a) => a.toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(["path=/", "httponly", "secure", "samesite=lax"]));
    expect(attrs.some((a) => a.startsWith("domain="))).toBe(false);
    // Without « Se souvenir de moi »: a browser-session cookie.
    expect(attrs.some((a) => a.startsWith("max-age=") || a.startsWith("expires="))).toBe(false);

    // Only the token's digest is stored; the session belongs to Lola and lasts 12 h at most.
    const token = cookie?.token ?? "";
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const lola = await userId("sene", "email", "lola.test@sene.test");
    const row = await p.owner
      .selectFrom("sessions")
      .selectAll()
      .where("id", "=", hashToken(token))
      .executeTakeFirstOrThrow();
    expect(row.user_id).toBe(lola);
    expect(row.remember).toBe(false);
    const hours = (row.expires_at.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
    expect(await p.owner.selectFrom("sessions").select("id").where("id", "=", token).execute()).toEqual([]);

    const home = await c.get("/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Bienvenue Lola TEST");
  });

  it("a Plombières parent logs in by identifiant, not by e-mail", async () => {
    const c = as(PLOMBIERES);
    const page = await (await c.get("/connexion")).text();
    expect(page).toContain("Compte famille");
    expect(page).toContain('<input id="f-identifier" name="identifier" type="text"');
    expect(page).toContain("Se souvenir de moi");

    const byEmail = await c.login("jean.dupont@plombieres.test", DEMO_PASSWORD);
    expect(byEmail.status).toBe(401);
    expect(await byEmail.text()).toContain("Identifiant ou mot de passe incorrect.");
    expect(sessionCookie(byEmail)).toBeUndefined();

    const res = await c.login("JDupont", DEMO_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const home = await (await c.get("/")).text();
    expect(home).toContain("Bienvenue Jean DUPONT");
  });

  it("a wrong password gets 401 and the French message, keeps the e-mail, never echoes the password", async () => {
    const c = as(SENE);
    const res = await c.login("lola.test@sene.test", WRONG);
    expect(res.status).toBe(401);
    expect(sessionCookie(res)).toBeUndefined();
    const html = await res.text();
    expect(html).toContain("Adresse e-mail ou mot de passe incorrect.");
    expect(html).toContain('value="lola.test@sene.test"');
    expect(html).not.toContain(WRONG);
    expect(await c.get("/profil").then((r) => r.status)).toBe(303);
  });

  it("an unknown account gets exactly the same status and page as a wrong password", async () => {
    const known = await as(SENE).login("lola.test@sene.test", WRONG);
    const unknown = await as(SENE).login("personne@sene.test", WRONG);
    expect(unknown.status).toBe(known.status);
    // The same page byte for byte, but for the address typed back into the field.
    const a = (await known.text()).replaceAll("lola.test@sene.test", "<typed>");
    const b = (await unknown.text()).replaceAll("personne@sene.test", "<typed>");
    expect(b).toBe(a);

    const plKnown = await as(PLOMBIERES).login("jdupont", WRONG);
    const plUnknown = await as(PLOMBIERES).login("inconnu", WRONG);
    expect([plKnown.status, plUnknown.status]).toEqual([401, 401]);
    expect((await plUnknown.text()).replaceAll("inconnu", "<typed>")).toBe(
      (await plKnown.text()).replaceAll("jdupont", "<typed>"),
    );
  });

  it("a malformed e-mail gets 422 with the message tied to its field, and records nothing", async () => {
    const ip = nextIp();
    const c = client(p.app, SENE, { ip });
    const res = await c.login("lola.test", WRONG);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(
      /<input id="f-identifier"[^>]* value="lola\.test"[^>]* aria-describedby="f-identifier-error" aria-invalid="true">/,
    );
    expect(html).toContain(
      '<p class="field-error" id="f-identifier-error">L&#39;adresse e-mail n&#39;est pas valide',
    );
    expect(html).not.toContain(WRONG);

    const empty = await c.login("lola.test@sene.test", "");
    expect(empty.status).toBe(422);
    expect(await empty.text()).toMatch(
      /aria-describedby="f-password-error"[\s\S]*id="f-password-error">Le mot de passe est obligatoire\./,
    );

    // Changes nothing: no failure counted, no event written.
    expect(await throttleRow("sene", `ip:${ip}`)).toBeUndefined();
    const events = await p.owner.selectFrom("auth_events").select("event").where("ip", "=", ip).execute();
    expect(events).toEqual([]);
  });

  it("« Se souvenir de moi » gives a 30-day cookie and a 90-day session", async () => {
    const c = as(SENE);
    const res = await c.post("/connexion", {
      identifier: "lola.test@sene.test",
      password: DEMO_PASSWORD,
      remember: "on",
    });
    expect(res.status).toBe(303);
    const cookie = sessionCookie(res);
    expect(cookie?.attrs).toContain("Max-Age=2592000");
    const row = await p.owner
      .selectFrom("sessions")
      .selectAll()
      .where("id", "=", hashToken(cookie?.token ?? ""))
      .executeTakeFirstOrThrow();
    expect(row.remember).toBe(true);
    const days = (row.expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
  });

  it("a new token at every login: a token planted before login is never adopted", async () => {
    const c = as(SENE);
    const planted = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    c.cookies.set(COOKIE, planted);
    const first = await c.login("lola.test@sene.test", DEMO_PASSWORD);
    expect(first.status).toBe(303);
    const t1 = sessionCookie(first)?.token;
    expect(t1).toBeDefined();
    expect(t1).not.toBe(planted);
    const plantedRows = await p.owner
      .selectFrom("sessions")
      .select("id")
      .where("id", "=", hashToken(planted))
      .execute();
    expect(plantedRows).toEqual([]);

    const second = await c.login("lola.test@sene.test", DEMO_PASSWORD);
    const t2 = sessionCookie(second)?.token;
    expect(t2).toBeDefined();
    expect(t2).not.toBe(t1);
    expect(c.cookies.get(COOKIE)).toBe(t2);
    expect(await (await c.get("/")).text()).toContain("Bienvenue Lola TEST");
  });

  it("a Séné session cookie opens nothing on another town's host", async () => {
    const sene = as(SENE);
    expect((await sene.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    const token = sene.cookies.get(COOKIE) ?? "";
    expect(token).not.toBe("");

    for (const host of [SENNECEY, PLOMBIERES]) {
      const other = as(host);
      other.cookies.set(COOKIE, token);
      const home = await other.get("/");
      expect(home.status).toBe(200);
      const html = await home.text();
      expect(html).toContain("Bienvenue sur votre Portail Famille");
      expect(html).not.toContain("Lola");
      // The foreign cookie is dropped, and personal pages send to the login form.
      expect(home.headers.getSetCookie().some((l) => l.startsWith(`${COOKIE}=;`))).toBe(true);
      other.cookies.set(COOKIE, token);
      const profil = await other.get("/profil");
      expect(profil.status).toBe(303);
      expect(profil.headers.get("location")).toMatch(/^\/connexion/);
    }
    // The other towns did not touch it: it still works at home.
    expect(await (await sene.get("/")).text()).toContain("Bienvenue Lola TEST");
  });

  it("an account of one town cannot log in on another, a parent cannot log in as staff", async () => {
    expect((await as(SENNECEY).login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(401);
    expect((await as(SENNECEY).login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(401);
    expect((await as(SENE).login("lola.test@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(401);
    expect((await as(SENE).login("admin@sene.test", DEMO_PASSWORD)).status).toBe(401);
    expect((await as(SENE).login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
  });
});

describe("forced change at first login (Plombières)", () => {
  it("smartin is held on /mot-de-passe until she chooses her own password, then reaches her home", async () => {
    const c = as(PLOMBIERES);
    const res = await c.login("smartin", DEMO_LETTER_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/mot-de-passe");

    for (const path of ["/", "/profil", "/compte/email"]) {
      const r = await c.get(path);
      expect(r.status, path).toBe(303);
      expect(r.headers.get("location"), path).toBe("/mot-de-passe");
    }
    const form = await c.get("/mot-de-passe");
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain("Pour votre sécurité, choisissez votre propre mot de passe");
    expect(html).toContain("8 caractères minimum");

    // Keeping the letter's password is not a change.
    const same = await c.post("/mot-de-passe", {
      current_password: DEMO_LETTER_PASSWORD,
      new_password: DEMO_LETTER_PASSWORD,
      confirm_password: DEMO_LETTER_PASSWORD,
    });
    expect(same.status).toBe(422);
    expect(await same.text()).toContain("doit être différent");
    expect((await c.get("/")).headers.get("location")).toBe("/mot-de-passe");

    const chosen = "Jardin-Fleuri-2027";
    const done = await c.post("/mot-de-passe", {
      current_password: DEMO_LETTER_PASSWORD,
      new_password: chosen,
      confirm_password: chosen,
    });
    expect(done.status).toBe(303);
    const home = await c.get("/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Bienvenue Sophie MARTIN");
    const user = await p.owner
      .selectFrom("users")
      .select("must_change_password")
      .where("id", "=", await userId("plombieres", "login", "smartin"))
      .executeTakeFirstOrThrow();
    expect(user.must_change_password).toBe(false);

    // The next login goes straight home.
    const again = await as(PLOMBIERES).login("smartin", chosen);
    expect(again.headers.get("location")).toBe("/");
  });
});

describe("throttling failed logins", () => {
  it("after 5 failures the account waits from that address (429, Retry-After); its owner elsewhere does not", async () => {
    const victim = await newSeneParent(p);
    const bystander = await newSeneParent(p);
    const ip = nextIp();
    const attacker = client(p.app, SENE, { ip });
    await failTimes(attacker, victim.email, 5);

    const blocked = await attacker.login(victim.email, victim.password);
    expect(blocked.status).toBe(429);
    const retry = Number(blocked.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(30);
    const html = await blocked.text();
    expect(html).toContain("Trop de tentatives");
    expect(html).toContain("Mot de passe oublié ?");
    expect(sessionCookie(blocked)).toBeUndefined();

    // The owner, from another address, is not locked out; nor is another account.
    expect((await as(SENE).login(victim.email, victim.password)).status).toBe(303);
    expect((await as(SENE).login(bystander.email, bystander.password)).status).toBe(303);

    const row = await throttleRow("sene", `pair:parent:${victim.email}|${ip}`);
    expect(row?.failures).toBe(5);
    const throttled = await p.owner
      .selectFrom("auth_events")
      .select("event")
      .where("tenant_id", "=", tenantOf(p, "sene"))
      .where("event", "=", "login_throttled")
      .execute();
    expect(throttled.length).toBeGreaterThanOrEqual(1);
  });

  it("a blocked account is let in once the wait is over: never locked for good", async () => {
    const parent = await newSeneParent(p);
    const ip = nextIp();
    const c = client(p.app, SENE, { ip });
    await failTimes(c, parent.email, 5);
    expect((await c.login(parent.email, parent.password)).status).toBe(429);

    const key = `pair:parent:${parent.email}|${ip}`;
    await p.owner
      .updateTable("login_throttle")
      .set({ blocked_until: new Date(Date.now() - 1000) })
      .where("tenant_id", "=", tenantOf(p, "sene"))
      .where("key", "=", key)
      .execute();
    expect((await c.login(parent.email, parent.password)).status).toBe(303);
    // A successful login clears that address's counter for the account.
    expect(await throttleRow("sene", key)).toBeUndefined();
  });

  it("30 failures from one address across accounts block that address, not another one", async () => {
    const ip = nextIp();
    const spray = client(p.app, SENE, { ip });
    for (let i = 1; i <= 29; i++) {
      expect((await spray.login(`inconnu${i}@sene.test`, WRONG)).status, `failure ${i}`).toBe(401);
    }
    // 29 failures: still free (each account saw only one).
    const parent = await newSeneParent(p);
    expect((await client(p.app, SENE, { ip }).login(parent.email, parent.password)).status).toBe(303);

    expect((await spray.login("inconnu30@sene.test", WRONG)).status).toBe(401);
    expect((await throttleRow("sene", `ip:${ip}`))?.failures).toBe(30);

    const fromThere = await client(p.app, SENE, { ip }).login(parent.email, parent.password);
    expect(fromThere.status).toBe(429);
    expect(await fromThere.text()).toContain("Trop de tentatives");
    expect((await as(SENE).login(parent.email, parent.password)).status).toBe(303);
  });

  it("the wait never exceeds 15 minutes, however many failures", async () => {
    const parent = await newSeneParent(p);
    const ip = nextIp();
    const key = `pair:parent:${parent.email}|${ip}`;
    await p.owner
      .insertInto("login_throttle")
      .values({ tenant_id: tenantOf(p, "sene"), key, failures: 1000, updated_at: new Date() })
      .execute();
    const c = client(p.app, SENE, { ip });
    expect((await c.login(parent.email, WRONG)).status).toBe(401);

    const blocked = await c.login(parent.email, parent.password);
    expect(blocked.status).toBe(429);
    const retry = Number(blocked.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(880);
    expect(retry).toBeLessThanOrEqual(900);
    expect(await blocked.text()).toContain("Réessayez dans 15 minutes");
    const row = await throttleRow("sene", key);
    expect(row?.failures).toBe(1001);
    const wait = ((row?.blocked_until?.getTime() ?? 0) - Date.now()) / 1000;
    expect(wait).toBeGreaterThan(880);
    expect(wait).toBeLessThanOrEqual(900);
  });

  it("a password reset clears the account's counter", async () => {
    const parent = await newSeneParent(p);
    const ip = nextIp();
    const c = client(p.app, SENE, { ip });
    await failTimes(c, parent.email, 5);
    expect((await c.login(parent.email, parent.password)).status).toBe(429);

    const since = lastId(p.mailbox);
    expect((await c.post("/mot-de-passe-oublie", { identifier: parent.email })).status).toBe(200);
    const mail = await p.mailbox.waitFor(parent.email, { since });
    const link = linkIn(mail.text, `http://${SENE}`);
    expect(link).toMatch(/^\/reinitialisation\/[a-z2-7]{32}$/);
    const next = "Nouveau-Depart-2027";
    const reset = await c.post(link, { new_password: next, confirm_password: next });
    expect(reset.status).toBe(303);
    expect(await throttleRow("sene", `pair:parent:${parent.email}|${ip}`)).toBeUndefined();
    expect(await throttleRow("sene", `acct:parent:${parent.email}`)).toBeUndefined();

    // From the very address that failed 5 times, right away.
    expect((await c.login(parent.email, next)).status).toBe(303);
  });

  it("failures older than 24 hours start over", async () => {
    const parent = await newSeneParent(p);
    const ip = nextIp();
    const from = () => client(p.app, SENE, { ip });
    const key = `pair:parent:${parent.email}|${ip}`;
    await failTimes(from(), parent.email, 5);
    expect((await from().login(parent.email, parent.password)).status).toBe(429);

    // A day later (the block itself long over), one more failure counts as the first.
    await p.owner
      .updateTable("login_throttle")
      .set({
        updated_at: new Date(Date.now() - 25 * 3_600_000),
        blocked_until: new Date(Date.now() - 24 * 3_600_000),
      })
      .where("tenant_id", "=", tenantOf(p, "sene"))
      .where("key", "=", key)
      .execute();
    expect((await from().login(parent.email, WRONG)).status).toBe(401);
    const row = await throttleRow("sene", key);
    expect(row?.failures).toBe(1);
    expect(row?.blocked_until?.getTime() ?? 0).toBeLessThan(Date.now());
    expect((await from().login(parent.email, parent.password)).status).toBe(303);
  });

  it("writes an auth event for each failed login, login and logout, with the address", async () => {
    const parent = await newSeneParent(p);
    const ip = nextIp();
    const c = client(p.app, SENE, { ip });
    expect((await c.login(parent.email, WRONG)).status).toBe(401);
    expect((await c.login(parent.email, parent.password)).status).toBe(303);
    expect((await c.post("/deconnexion")).status).toBe(303);
    const otherIp = nextIp();
    expect((await client(p.app, SENE, { ip: otherIp }).login("absent@sene.test", WRONG)).status).toBe(401);

    const rows = await p.owner
      .selectFrom("auth_events")
      .select(["event", "user_id", "ip", "tenant_id"])
      .where("ip", "=", ip)
      .orderBy("at")
      .execute();
    expect(rows.map((r) => r.event)).toEqual(["login_failed", "login", "logout"]);
    for (const r of rows) {
      expect(r.user_id).toBe(parent.id);
      expect(r.tenant_id).toBe(tenantOf(p, "sene"));
    }
    // An unknown account's failure is logged too, without a user.
    const anonymous = await p.owner
      .selectFrom("auth_events")
      .select(["user_id"])
      .where("ip", "=", otherIp)
      .where("event", "=", "login_failed")
      .execute();
    expect(anonymous).toEqual([{ user_id: null }]);
  });
});
