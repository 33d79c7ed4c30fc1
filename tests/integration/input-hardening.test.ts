/**
 * Issue 16, items 3, 4 and 7, one defect each: what the fuzz found, pinned down.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { tenantOf } from "../helpers/auth-fixture.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

let ipSeq = 0;
async function signedIn(identifier: string, base = "") {
  const c = client(p.app, SENE, { ip: `198.18.0.${++ipSeq}` });
  expect((await c.login(identifier, DEMO_PASSWORD, base)).status).toBe(303);
  return c;
}

describe("control characters are cleaned at the root (item 3)", () => {
  it("a NUL byte in a text field is dropped: the town stores what was meant", async () => {
    const staff = await signedIn("admin@sene.test", "/agents");
    const res = await staff.post("/agents/familles/nouvelle", {
      household_name: "Famille NUL\u0000LE",
      civility: "Mme",
      first_name: "Ni\u0000na",
      last_name: "Nulle",
      email: "nina.nulle@sene.test",
    });
    expect(res.status).toBe(200);
    const row = await p.owner
      .selectFrom("households")
      .select("name")
      .where("tenant_id", "=", tenantOf(p, "sene"))
      .where("name", "like", "Famille NUL%")
      .executeTakeFirstOrThrow();
    expect(row.name).toBe("Famille NULLE");
  });

  it("a NUL byte in a staff search is no server error", async () => {
    const staff = await signedIn("admin@sene.test", "/agents");
    expect((await staff.get("/agents/foyers?q=dupont%00")).status).toBe(200);
  });

  it("a malformed multipart body gets a French 422, not a server error", async () => {
    const res = await p.app.request("http://127.0.0.1/connexion", {
      method: "POST",
      headers: {
        Host: SENE,
        Origin: `http://${SENE}`,
        "Content-Type": "multipart/form-data; boundary=abc",
        "X-Forwarded-For": "198.18.1.1",
      },
      body: "--zzz\r\nnothing here",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Le formulaire envoyé n&#39;a pas pu être lu.");
  });

  it("« Créer un compte famille » sent five times at once gives five distinct N° Famille", async () => {
    const staff = await signedIn("admin@sene.test", "/agents");
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        staff.post("/agents/familles/nouvelle", {
          household_name: `Famille COURSE ${n}`,
          civility: "M.",
          first_name: "Léo",
          last_name: `Course${n}`,
          email: `course${n}@sene.test`,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const rows = await p.owner
      .selectFrom("households")
      .select("number")
      .where("tenant_id", "=", tenantOf(p, "sene"))
      .where("name", "like", "Famille COURSE%")
      .execute();
    expect(new Set(rows.map((r) => r.number)).size).toBe(5);
  });

  it("the same new account sent twice at once: one is opened, the other is told in French", async () => {
    const staff = await signedIn("admin@sene.test", "/agents");
    const family = {
      household_name: "Famille DOUBLE",
      civility: "Mme",
      first_name: "Dora",
      last_name: "Double",
      email: "dora.double@sene.test",
    };
    const [a, b] = await Promise.all([
      staff.post("/agents/familles/nouvelle", family),
      staff.post("/agents/familles/nouvelle", family),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 422]);
    const refused = a.status === 422 ? a : b;
    expect(await refused.text()).toContain("Un compte famille utilise déjà cette adresse e-mail.");
  });
});

describe("after login, only a path of this town (item 4)", () => {
  const loginWith = (suite: string) =>
    client(p.app, SENE, { ip: `198.18.2.${++ipSeq}` }).send("POST", `/connexion?suite=${suite}`, {
      form: { identifier: "lola.test@sene.test", password: DEMO_PASSWORD },
    });

  it.each([
    ["/%09/pirate.test/", "/"],
    ["/%5Cpirate.test", "/"],
    ["//pirate.test", "/"],
    ["https://pirate.test/", "/"],
    ["/%0d%0aSet-Cookie:%20x=1", "/Set-Cookie:%20x=1"],
    ["/planning%3Fmois%3D2026-01", "/planning?mois=2026-01"],
  ])("?suite=%s leads to %s", async (suite, expected) => {
    const res = await loginWith(suite);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(expected);
  });
});

describe("every message is French, even for a crafted value (item 7)", () => {
  it("zod's own messages are French once the app is loaded", () => {
    const crafted = z.object({ remember: z.literal("on").optional(), n: z.number() }).safeParse({
      remember: "oui",
      n: "x",
    });
    const messages = crafted.error?.issues.map((i) => i.message) ?? [];
    expect(messages).toHaveLength(2);
    for (const m of messages) {
      expect(m).not.toMatch(/Invalid|expected/);
      expect(m).toMatch(/invalide|attendu/i);
    }
  });

  it("a crafted checkbox value is refused with the French summary, never English", async () => {
    const c = client(p.app, SENE, { ip: "198.18.3.1" });
    const res = await c.post("/connexion", {
      identifier: "lola.test@sene.test",
      password: DEMO_PASSWORD,
      remember: "oui",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).not.toMatch(/Invalid input|expected/);
    expect(html).toContain("Le formulaire contient des erreurs");
  });
});
