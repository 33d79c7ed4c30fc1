/**
 * « Mon profil » and « Mon foyer » only ever use the session's household: another household
 * of the town, or another town, can neither read nor write their data (architecture §5.3). Bank
 * details never reach the logs. A request accepted by staff applies through the same handlers.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { hashPassword } from "../../src/auth/password.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { householdSections } from "../../src/features/household/sections.ts";
import * as requestsService from "../../src/features/requests/service.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const SENNECEY = "senneceylesdijon.localhost:3000";
const PLOMBIERES = "plombieres.localhost:3000";
const IBAN = "FR7630006000011234567890189";

let p: TestPlatform;
let other: { householdId: string; email: string };
const tenantOf = (slug: string) => p.tenants.get(slug) as string;

/** A second Séné household, with its own parent account and « Moi ». */
async function seedOtherHousehold() {
  const tenantId = tenantOf("sene");
  const digest = await hashPassword(DEMO_PASSWORD);
  return p.db.withTenant({ role: "app_staff", tenantId }, async (trx) => {
    const h = await trx
      .insertInto("households")
      .values({ tenant_id: tenantId, number: "2002", name: "Famille AUTRE", caf_number: "AUTRE42" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const email = "autre@sene.test";
    const u = await trx
      .insertInto("users")
      .values({
        tenant_id: tenantId,
        kind: "parent",
        household_id: h.id,
        first_name: "Alix",
        last_name: "AUTRE",
        email,
        password_hash: digest,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("guardians")
      .values({
        tenant_id: tenantId,
        household_id: h.id,
        user_id: u.id,
        rank: 1,
        first_name: "Alix",
        last_name: "AUTRE",
      })
      .execute();
    return { householdId: h.id, email };
  });
}

beforeAll(async () => {
  p = await createTestPlatform();
  other = await seedOtherHousehold();
});
afterAll(async () => {
  await p?.close();
});

let ip = 0;
async function parent(host: string, identifier: string, app = p.app) {
  const c = client(app, host, { ip: `198.51.100.${++ip}` });
  expect((await c.login(identifier, DEMO_PASSWORD)).status).toBe(303);
  return c;
}
const householdBy = (slug: string, number: string) =>
  p.owner
    .selectFrom("households")
    .selectAll()
    .where("tenant_id", "=", tenantOf(slug))
    .where("number", "=", number)
    .executeTakeFirstOrThrow();

describe("the session's household, and no other", () => {
  it("a parent reads and writes only their own household, whatever the form carries", async () => {
    const lola = await parent(SENE, "lola.test@sene.test");
    const foyer = await (await lola.get("/foyer")).text();
    expect(foyer).toContain("Famille TEST");
    expect(foyer).not.toContain("AUTRE42");

    const res = await lola.post("/foyer/informations-complementaires", {
      caf_regime: "CAF",
      caf_number: "LOLA1",
      household_id: other.householdId,
      id: other.householdId,
    });
    expect(res.status).toBe(303);
    expect((await householdBy("sene", "1001")).caf_number).toBe("LOLA1");
    expect((await householdBy("sene", "2002")).caf_number).toBe("AUTRE42");

    const alix = await parent(SENE, other.email);
    const theirs = await (await alix.get("/foyer")).text();
    expect(theirs).toContain("AUTRE42");
    expect(theirs).not.toContain("LOLA1");
    expect(await (await alix.get("/profil")).text()).not.toContain("Lola");
  });

  it("the row-level fence hides and protects another household even from a handler asked for it", async () => {
    const lola = await p.owner
      .selectFrom("users")
      .select(["id", "household_id"])
      .where("email", "=", "lola.test@sene.test")
      .executeTakeFirstOrThrow();
    const ctx = {
      role: "app_parent" as const,
      tenantId: tenantOf("sene"),
      userId: lola.id,
      householdId: lola.household_id,
    };
    const caf = householdSections.caf;
    if (!caf) throw new Error("no caf section");
    await p.db.withTenant(ctx, async (trx) => {
      expect(await caf.read(trx, lola.household_id as string, null)).not.toBeNull();
      expect(await caf.read(trx, other.householdId, null)).toBeNull();
      await caf.apply(trx, other.householdId, null, { caf_number: "VOLE" });
    });
    expect((await householdBy("sene", "2002")).caf_number).toBe("AUTRE42");
  });

  it("a session of another town opens nothing here", async () => {
    const sennecey = await parent(SENNECEY, "parent1.mairie@senneceylesdijon.test");
    await sennecey.post("/foyer/informations-complementaires", { caf_number: "SENNECEY9" });
    const stranger = client(p.app, SENE, { ip: "198.51.100.200" });
    stranger.cookies.set("__Host-parvis", sennecey.cookies.get("__Host-parvis") as string);
    for (const path of ["/profil", "/foyer", "/foyer/coordonnees-bancaires"]) {
      const res = await stranger.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toMatch(/^\/connexion/);
    }
    const write = await stranger.post("/foyer/informations-complementaires", { caf_number: "INTRUS" });
    expect(write.status).not.toBe(200);
    expect((await householdBy("sene", "1001")).caf_number).not.toBe("INTRUS");
    expect((await householdBy("senneceylesdijon", "1001")).caf_number).toBe("SENNECEY9");
  });

  it("an unknown form of « Mon foyer » is not found", async () => {
    const lola = await parent(SENE, "lola.test@sene.test");
    expect((await lola.get("/foyer/inconnu")).status).toBe(404);
    expect((await lola.post("/foyer/inconnu", { caf_number: "X" })).status).toBe(404);
  });
});

describe("bank details stay out of the logs", () => {
  it("logs every request of a bank change without the IBAN", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = createApp({ ...p.deps, log: pino({ level: "trace" }, sink) });
    const c = await parent(SENE, "lola.test@sene.test", app);
    const form = { iban: IBAN, bic: "AGRIFRPP882", account_holder: "TEST LOLA" };
    expect(
      (
        await c.post("/foyer/coordonnees-bancaires", {
          ...form,
          iban: "FR76300060000112345678901",
          password: DEMO_PASSWORD,
        })
      ).status,
    ).toBe(422);
    expect((await c.post("/foyer/coordonnees-bancaires", { ...form, password: DEMO_PASSWORD })).status).toBe(
      303,
    );
    expect((await householdBy("sene", "1001")).iban).toBe(IBAN);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toMatch(/30006000|FR7630006/);
  });
});

describe("Plombières: staff accept the request", () => {
  it("applies the pending « Autre responsable » and bank changes through the section handlers", async () => {
    const c = await parent(PLOMBIERES, "jdupont");
    // Jeanne DUPONT is the seeded « Autre responsable »: the request gives her an e-mail.
    await c.post("/foyer/autre-responsable", {
      civility: "Mme",
      last_name: "Dupont",
      first_name: "Jeanne",
      email: "Jeanne.Dupont@Exemple.test",
    });
    await c.post("/profil/modifier", { civility: "M.", last_name: "DUPONT", first_name: "Jean-Marc" });
    const h = await householdBy("plombieres", "1001001818331");
    const pending = await p.owner
      .selectFrom("change_requests")
      .select(["id", "section"])
      .where("household_id", "=", h.id)
      .where("status", "=", "pending")
      .execute();
    expect(pending.map((r) => r.section).sort()).toEqual(["conjoint", "responsable"]);
    const jeanne = () =>
      p.owner
        .selectFrom("guardians")
        .select("email")
        .where("household_id", "=", h.id)
        .where("rank", "=", 2)
        .executeTakeFirstOrThrow();
    expect((await jeanne()).email).toBeNull();
    const staff = await p.owner
      .selectFrom("users")
      .select("id")
      .where("email", "=", "admin@plombieres.test")
      .executeTakeFirstOrThrow();
    const tenant = await p.deps.sites.resolve(PLOMBIERES);
    if (tenant.kind !== "tenant") throw new Error("no Plombières");
    for (const r of pending) {
      await p.db.withTenant(
        { role: "app_staff", tenantId: tenantOf("plombieres"), userId: staff.id },
        (trx) =>
          requestsService.decide(trx, tenant.tenant, { kind: "staff", userId: staff.id }, r.id, {
            accept: true,
          }),
      );
    }
    const guardians = await p.owner
      .selectFrom("guardians")
      .selectAll()
      .where("household_id", "=", h.id)
      .orderBy("rank")
      .execute();
    expect(guardians.map((g) => `${g.rank} ${g.first_name} ${g.last_name}`)).toEqual([
      "1 Jean-Marc DUPONT",
      "2 Jeanne DUPONT",
    ]);
    expect((await jeanne()).email).toBe("jeanne.dupont@exemple.test");
    const user = await p.owner
      .selectFrom("users")
      .select("first_name")
      .where("login", "=", "jdupont")
      .executeTakeFirstOrThrow();
    expect(user.first_name).toBe("Jean-Marc");
  });
});
