import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../src/auth/tokens.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { seneParents } from "../helpers/auth-fixture.ts";
import { client, linkIn } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const PLOMBIERES = "plombieres.localhost:3000";
const COOKIE = "__Host-parvis";
const MINUTE = 60_000;

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

let ipSeq = 0;
const as = (host: string) => client(p.app, host, { ip: `203.0.113.${++ipSeq}` });
type Client = ReturnType<typeof as>;

/** A fresh Séné parent account (own household): each test ends or changes its sessions freely. */
const newSeneParent = seneParents({
  emailPrefix: "session",
  numberBase: 8000,
  label: "SESSION",
  firstName: "Session",
  civility: "M.",
});

async function signIn(c: Client, identifier: string, password: string, remember = false) {
  const res = await c.post("/connexion", { identifier, password, ...(remember ? { remember: "on" } : {}) });
  expect(res.status).toBe(303);
  const token = c.cookies.get(COOKIE);
  if (!token) throw new Error("no session cookie");
  return { token, id: hashToken(token) };
}

const sessionRow = (id: string) =>
  p.owner.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
const sessionsOf = (userId: string) =>
  p.owner.selectFrom("sessions").select("id").where("user_id", "=", userId).execute();
const age = (id: string, values: { last_seen_at?: Date; expires_at?: Date }) =>
  p.owner.updateTable("sessions").set(values).where("id", "=", id).execute();

/** A personal page: 200 while signed in, 303 to the login form otherwise. */
async function expectSignedOut(c: Client) {
  const res = await c.get("/profil");
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/connexion?suite=%2Fprofil");
}
async function expectSignedIn(c: Client) {
  const res = await c.get("/profil");
  expect(res.status).toBe(200);
  expect(await res.text()).toContain("Mon profil");
}

describe("session expiry", () => {
  it("a session idle for more than 30 minutes ends: back to /connexion, row deleted, cookie cleared", async () => {
    const parent = await newSeneParent(p);
    const c = as(SENE);
    const s = await signIn(c, parent.email, parent.password);
    await expectSignedIn(c);

    await age(s.id, { last_seen_at: new Date(Date.now() - 31 * MINUTE) });
    const res = await c.get("/profil");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/connexion?suite=%2Fprofil");
    expect(res.headers.getSetCookie().some((l) => l.startsWith(`${COOKIE}=;`) && /Max-Age=0/i.test(l))).toBe(
      true,
    );
    expect(await sessionRow(s.id)).toBeUndefined();
    // The same token sent again finds nothing.
    c.cookies.set(COOKIE, s.token);
    await expectSignedOut(c);
  });

  it("activity slides the idle limit: 29 minutes idle is still signed in, and the clock restarts", async () => {
    const parent = await newSeneParent(p);
    const c = as(SENE);
    const s = await signIn(c, parent.email, parent.password);
    await age(s.id, { last_seen_at: new Date(Date.now() - 29 * MINUTE) });
    await expectSignedIn(c);
    const row = await sessionRow(s.id);
    expect(Date.now() - (row?.last_seen_at.getTime() ?? 0)).toBeLessThan(MINUTE);
  });

  it("a remembered session survives 31 idle minutes, but not its absolute end", async () => {
    const parent = await newSeneParent(p);
    const c = as(SENE);
    const s = await signIn(c, parent.email, parent.password, true);
    await age(s.id, { last_seen_at: new Date(Date.now() - 31 * MINUTE) });
    // Moving the idle clock on also sends the cookie again, with a fresh 30-day lifetime.
    const renewed = await c.get("/profil");
    expect(renewed.status).toBe(200);
    const cookie = renewed.headers.getSetCookie().find((h) => h.startsWith("__Host-parvis="));
    expect(cookie).toMatch(/Max-Age=2592000/);
    await expectSignedIn(c);
    // Within the minute that follows, nothing is sent again.
    expect((await c.get("/profil")).headers.getSetCookie()).toEqual([]);

    await age(s.id, { expires_at: new Date(Date.now() - 1000) });
    await expectSignedOut(c);
    expect(await sessionRow(s.id)).toBeUndefined();
  });

  it("a session past its absolute expiry ends even when just used", async () => {
    const parent = await newSeneParent(p);
    const c = as(SENE);
    const s = await signIn(c, parent.email, parent.password);
    await age(s.id, { last_seen_at: new Date(), expires_at: new Date(Date.now() - 1000) });
    await expectSignedOut(c);
    expect(await sessionRow(s.id)).toBeUndefined();
  });
});

describe("logging out", () => {
  it("deletes the session row, clears the cookie and logs the event", async () => {
    const parent = await newSeneParent(p);
    const c = as(SENE);
    const s = await signIn(c, parent.email, parent.password);

    const res = await c.post("/deconnexion");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/connexion?message=deconnecte");
    const cleared = res.headers.getSetCookie().find((l) => l.startsWith(`${COOKIE}=`));
    expect(cleared).toMatch(/^__Host-parvis=;/);
    expect(cleared).toMatch(/Max-Age=0/i);
    expect(cleared).toMatch(/Secure/);
    expect(cleared).toMatch(/Path=\//);
    expect(await sessionRow(s.id)).toBeUndefined();
    expect(await (await c.get("/connexion?message=deconnecte")).text()).toContain("Vous êtes déconnecté.");

    // A copy of the cookie kept elsewhere is worthless now.
    const copy = as(SENE);
    copy.cookies.set(COOKIE, s.token);
    await expectSignedOut(copy);

    const events = await p.owner
      .selectFrom("auth_events")
      .select("event")
      .where("user_id", "=", parent.id)
      .where("event", "=", "logout")
      .execute();
    expect(events).toHaveLength(1);
  });

  it("a logout posted from another origin is refused and ends nothing", async () => {
    const parent = await newSeneParent(p);
    const c = as(SENE);
    const s = await signIn(c, parent.email, parent.password);
    const res = await c.post("/deconnexion", {}, { Origin: "http://senneceylesdijon.localhost:3000" });
    expect(res.status).toBe(403);
    expect(await sessionRow(s.id)).toBeDefined();
    await expectSignedIn(c);
  });

  it("in Plombières, leads back to the town's own website", async () => {
    const c = as(PLOMBIERES);
    const s = await signIn(c, "jdupont", DEMO_PASSWORD);
    const res = await c.post("/deconnexion");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("https://www.plombieres-les-dijon.fr/");
    expect(await sessionRow(s.id)).toBeUndefined();
  });
});

describe("revocation when the password changes", () => {
  it("a password reset ends every session of the account, on every device", async () => {
    const parent = await newSeneParent(p);
    const other = await newSeneParent(p);
    const phone = as(SENE);
    const laptop = as(SENE);
    await signIn(phone, parent.email, parent.password, true);
    await signIn(laptop, parent.email, parent.password);
    const bystander = as(SENE);
    await signIn(bystander, other.email, other.password);
    expect(await sessionsOf(parent.id)).toHaveLength(2);

    const since = lastId(p.mailbox);
    const forgot = as(SENE);
    expect((await forgot.post("/mot-de-passe-oublie", { identifier: parent.email })).status).toBe(200);
    const mail = await p.mailbox.waitFor(parent.email, { since });
    const link = linkIn(mail.text, `http://${SENE}`);
    const next = "Tout-Nouveau-2027";
    const res = await forgot.post(link, { new_password: next, confirm_password: next });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/connexion?message=mot-de-passe-reinitialise");

    expect(await sessionsOf(parent.id)).toEqual([]);
    await expectSignedOut(phone);
    await expectSignedOut(laptop);
    // Another account's session is untouched.
    await expectSignedIn(bystander);
  });

  it("a change of password keeps the session it was made in and ends the others", async () => {
    const parent = await newSeneParent(p);
    const here = as(SENE);
    const elsewhere = as(SENE);
    const kept = await signIn(here, parent.email, parent.password);
    await signIn(elsewhere, parent.email, parent.password, true);
    expect(await sessionsOf(parent.id)).toHaveLength(2);

    const next = "Encore-Mieux-2027";
    const res = await here.post("/mot-de-passe", {
      current_password: parent.password,
      new_password: next,
      confirm_password: next,
    });
    expect(res.status).toBe(303);
    expect(await sessionsOf(parent.id)).toEqual([{ id: kept.id }]);
    expect(here.cookies.get(COOKIE)).toBe(kept.token);
    await expectSignedIn(here);
    await expectSignedOut(elsewhere);
  });
});
