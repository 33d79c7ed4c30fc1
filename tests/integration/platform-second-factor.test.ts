/**
 * Issue 16: the second factor is mandatory for operators. The first login enrols it (key,
 * code, recovery codes shown once); every later login asks for a code; until then the
 * console opens nothing; each step is in the platform's audit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_OPERATOR, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { ADMIN_HOST, operatorCode } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

let ipSeq = 0;
const console_ = () => client(p.app, ADMIN_HOST, { ip: `203.0.113.${100 + ++ipSeq}` });
const otherCode = (code: string) => (code === "000000" ? "111111" : "000000");
const events = async () =>
  (await p.owner.selectFrom("platform_audit").select("event").orderBy("at").execute()).map((r) => r.event);

async function passwordOnly() {
  const op = console_();
  const res = await op.login(DEMO_OPERATOR.email, DEMO_PASSWORD);
  expect(res.headers.get("location")).toBe("/connexion/code");
  return op;
}

describe("operators' second factor", () => {
  it("is enrolled at the first login: nothing opens before the first right code", async () => {
    const op = await passwordOnly();
    expect((await op.get("/")).headers.get("location")).toBe("/connexion");
    const seneId = p.tenants.get("sene") as string;
    const suspend = await op.post(`/communes/${seneId}/suspendre`, { nom: "Ville de Séné" });
    expect(suspend.headers.get("location")).toBe("/connexion");

    const html = await (await op.get("/connexion/code")).text();
    expect(html).toContain("<h1>Double authentification</h1>");
    expect(html).toContain("La double authentification est obligatoire pour les opérateurs");
    expect(html).toMatch(/cette clé : <code>[A-Z2-7 ]+<\/code>/);
    const code = await operatorCode(p);
    const wrong = await op.post("/connexion/code", { code: otherCode(code) });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('id="f-code-error">Code incorrect.');
    expect((await op.get("/")).status).toBe(303);

    const done = await op.post("/connexion/code", { code });
    expect(done.status).toBe(200);
    expect(done.headers.get("cache-control")).toBe("no-store");
    const codes = [...(await done.text()).matchAll(/<code>([A-Z2-7]{4}-[A-Z2-7]{4})<\/code>/g)];
    expect(codes).toHaveLength(10);
    expect((await op.get("/")).status).toBe(200);
    expect(await events()).toEqual(["password_accepted", "second_factor_enabled", "login"]);

    // A recovery code opens one session, once.
    const recovery = codes[0]?.[1] ?? "";
    const lost = await passwordOnly();
    expect(await (await lost.get("/connexion/code")).text()).toContain("<h1>Code de vérification</h1>");
    expect((await lost.post("/connexion/code", { code: recovery })).headers.get("location")).toBe("/");
    expect((await lost.get("/")).status).toBe(200);
    const again = await passwordOnly();
    expect((await again.post("/connexion/code", { code: recovery })).status).toBe(422);
    expect((await again.get("/")).status).toBe(303);
  });

  it("asks for the code at every login, and slows down wrong codes", async () => {
    const op = await passwordOnly();
    const code = await operatorCode(p);
    const empty = await op.post("/connexion/code", { code: "" });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('aria-describedby="f-code-error"');
    expect((await op.post("/connexion/code", { code })).headers.get("location")).toBe("/");
    expect((await op.get("/")).status).toBe(200);

    const guesser = await passwordOnly();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await guesser.post("/connexion/code", { code: otherCode(code) })).status);
    expect(statuses).toEqual([422, 422, 422, 422, 422, 429]);
    const blocked = await guesser.post("/connexion/code", { code });
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain("Réessayez dans 1 minute.");
    expect((await guesser.get("/")).status).toBe(303);
    expect(await events()).toContain("second_factor_failed");
  });
});
