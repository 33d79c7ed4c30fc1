/**
 * Issue 16, item 14: « Mes données », everything the town holds on the household, and
 * nothing of another household nor any secret.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
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

describe("« Mes données »", () => {
  it("downloads the household's file, children and access log as JSON, without secrets or other families", async () => {
    const lola = client(p.app, SENE, { ip: "198.20.0.1" });
    expect((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    const pageRes = await lola.get("/mes-donnees");
    expect(pageRes.status).toBe(200);
    expect(await pageRes.text()).toContain('href="/mes-donnees.json"');

    const res = await lola.get("/mes-donnees.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("mes-donnees.json");
    const body = (await res.json()) as {
      controller: { name: string };
      data: Record<string, Record<string, unknown>[]>;
    };
    expect(body.controller.name).toBe("Ville de Séné");
    const { data } = body;
    const me = await p.owner
      .selectFrom("users")
      .select(["household_id"])
      .where("email", "=", "lola.test@sene.test")
      .executeTakeFirstOrThrow();
    for (const table of ["households", "children", "guardians", "users", "health_access_log"]) {
      expect(Object.keys(data), table).toContain(table);
    }
    expect(data.children?.length).toBeGreaterThan(0);
    for (const [table, rows] of Object.entries(data)) {
      for (const row of rows) {
        const household = table === "households" ? row.id : row.household_id;
        expect(household, table).toBe(me.household_id);
      }
    }
    const text = JSON.stringify(body);
    expect(text).not.toContain("password_hash");
    expect(text).not.toContain("$argon2");
    expect(text).not.toContain("tenant_id");
  });

  it("is for signed-in parents only", async () => {
    const res = await client(p.app, SENE).get("/mes-donnees.json");
    expect(res.status).toBe(303);
  });
});
