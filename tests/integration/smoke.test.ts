import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

describe("a parent of Séné", () => {
  it("logs in and sees « Bienvenue » with the household's name and number", async () => {
    const c = client(p.app, "sene.localhost:3000");
    const res = await c.login("lola.test@sene.test", DEMO_PASSWORD);
    expect(res.status).toBe(303);
    const home = await c.get("/");
    const html = await home.text();
    expect(html).toContain("Bienvenue Lola TEST");
    expect(html).toContain("Famille TEST");
    expect(html).toContain("N° Famille");
  });
});
