/**
 * Issue 16, items 1, 2 and 5: the throttle slows the attacker, not the owner. The address
 * is the one the trusted proxy saw; an account is slowed per address (and per known device),
 * with only a high ceiling for the account as a whole; a re-entered password is throttled too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seneParents, tenantOf } from "../helpers/auth-fixture.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const WRONG = "Mauvais-Secret-99";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

let ipSeq = 0;
const nextIp = () => `203.0.113.${++ipSeq}`;
const newParent = seneParents({
  emailPrefix: "throttle",
  numberBase: 16_000,
  label: "FREIN",
  firstName: "Frein",
  civility: "M.",
});

const events = (userId: string) =>
  p.owner
    .selectFrom("auth_events")
    .select(["event", "ip"])
    .where("tenant_id", "=", tenantOf(p, "sene"))
    .where("user_id", "=", userId)
    .orderBy("at")
    .execute();

describe("the client's address behind the proxy (item 1)", () => {
  it("a rotating X-Forwarded-For prefix changes nothing: the proxy's own entry is the address", async () => {
    const victim = await newParent(p);
    const seen = nextIp();
    for (let i = 1; i <= 5; i++) {
      const forged = client(p.app, SENE, { ip: `10.9.8.${i}, ${seen}` });
      expect((await forged.login(victim.email, WRONG)).status, `failure ${i}`).toBe(401);
    }
    const sixth = client(p.app, SENE, { ip: `10.9.8.77, ${seen}` });
    expect((await sixth.login(victim.email, victim.password)).status).toBe(429);

    const logged = await events(victim.id);
    expect(logged.filter((e) => e.event === "login_failed").map((e) => e.ip)).toEqual(Array(5).fill(seen));
    expect(logged.some((e) => e.ip?.startsWith("10.9.8."))).toBe(false);
  });
});

describe("nobody can lock a parent out (item 2)", () => {
  it("five wrong passwords from one address slow that address only; the owner elsewhere logs in", async () => {
    const victim = await newParent(p);
    const attacker = client(p.app, SENE, { ip: nextIp() });
    for (let i = 0; i < 6; i++)
      expect([401, 429]).toContain((await attacker.login(victim.email, WRONG)).status);
    expect((await attacker.login(victim.email, victim.password)).status).toBe(429);
    expect((await client(p.app, SENE, { ip: nextIp() }).login(victim.email, victim.password)).status).toBe(
      303,
    );
  });

  it("a known device keeps its own budget, even behind the attacker's address", async () => {
    const victim = await newParent(p);
    const shared = nextIp();
    const owner = client(p.app, SENE, { ip: shared });
    expect((await owner.login(victim.email, victim.password)).status).toBe(303);
    expect(owner.cookies.has("__Host-parvis-device")).toBe(true);
    expect((await owner.post("/deconnexion")).status).toBe(303);

    const attacker = client(p.app, SENE, { ip: shared });
    for (let i = 0; i < 5; i++) expect((await attacker.login(victim.email, WRONG)).status).toBe(401);
    expect((await attacker.login(victim.email, victim.password)).status).toBe(429);
    // The same address, but the browser that logged in before.
    expect((await owner.login(victim.email, victim.password)).status).toBe(303);
  });

  it("the account's ceiling stops mass guessing from new addresses, not the known device", async () => {
    const victim = await newParent(p);
    const owner = client(p.app, SENE, { ip: nextIp() });
    expect((await owner.login(victim.email, victim.password)).status).toBe(303);
    expect((await owner.post("/deconnexion")).status).toBe(303);
    await p.owner
      .insertInto("login_throttle")
      .values({
        tenant_id: tenantOf(p, "sene"),
        key: `acct:parent:${victim.email}`,
        failures: 150,
        blocked_until: new Date(Date.now() + 600_000),
        updated_at: new Date(),
      })
      .execute();
    expect((await client(p.app, SENE, { ip: nextIp() }).login(victim.email, victim.password)).status).toBe(
      429,
    );
    expect((await owner.login(victim.email, victim.password)).status).toBe(303);
  });

  it("a device cookie given to another account opens no budget for this one", async () => {
    const victim = await newParent(p);
    const other = await newParent(p);
    const ip = nextIp();
    const attacker = client(p.app, SENE, { ip });
    expect((await attacker.login(other.email, other.password)).status).toBe(303);
    expect((await attacker.post("/deconnexion")).status).toBe(303);
    for (let i = 0; i < 5; i++) expect((await attacker.login(victim.email, WRONG)).status).toBe(401);
    expect((await attacker.login(victim.email, WRONG)).status).toBe(429);
  });
});

describe("a re-entered password is throttled like a login (item 5)", () => {
  it("after 5 wrong current passwords, even the right one waits, with a French message at the field", async () => {
    const parent = await newParent(p);
    const c = client(p.app, SENE, { ip: nextIp() });
    expect((await c.login(parent.email, parent.password)).status).toBe(303);
    const next = "Nouveau-Depart-2027";
    const change = (current: string) =>
      c.post("/mot-de-passe", { current_password: current, new_password: next, confirm_password: next });
    for (let i = 0; i < 5; i++) {
      const res = await change(WRONG);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain("Le mot de passe actuel est incorrect.");
    }
    const blocked = await change(parent.password);
    expect(blocked.status).toBe(422);
    expect(await blocked.text()).toContain("Trop d&#39;essais de mot de passe");

    const email = await c.post("/compte/email", { email: "autre@sene.test", password: parent.password });
    expect(email.status).toBe(422);
    expect(await email.text()).toContain("Trop d&#39;essais de mot de passe");
    expect((await events(parent.id)).filter((e) => e.event === "reauth_failed")).toHaveLength(5);
  });
});
