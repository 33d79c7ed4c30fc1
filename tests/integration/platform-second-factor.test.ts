/**
 * Issue 16: the second factor is mandatory for operators. The first login enrols it (key,
 * code, recovery codes shown once); every later login asks for a code; until then the
 * console opens nothing; each step is in the platform's audit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_OPERATOR, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { publicOrigin } from "../../src/env.ts";
import { client } from "../helpers/client.ts";
import { ADMIN_HOST, operatorCode, signInOperator } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { softAuthenticator } from "../helpers/webauthn.ts";

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

const PAGE = "/compte/double-authentification";
type Creation = { challenge: string; rp: { id: string } };

async function signedIn() {
  const op = console_();
  await signInOperator(p, op);
  return op;
}

/** The options of the login's passkey ceremony, offering `credential`. */
async function loginOptions(op: ReturnType<typeof console_>, credential: string) {
  const res = await op.post("/connexion/code/cle/options");
  expect(res.status).toBe(200);
  const options = (await res.json()) as {
    challenge: string;
    rpId: string;
    allowCredentials: { id: string }[];
  };
  expect(options.rpId).toBe("admin.localhost");
  expect(options.allowCredentials.map((k) => k.id)).toContain(credential);
  return options;
}

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
    // A code serves once: the same code again, within its 30 s, is a wrong code.
    const peeker = await passwordOnly();
    const replay = await peeker.post("/connexion/code", { code });
    expect(replay.status).toBe(422);
    expect(await replay.text()).toContain('id="f-code-error">Code incorrect.');
    expect((await peeker.get("/")).status).toBe(303);

    const guesser = await passwordOnly();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await guesser.post("/connexion/code", { code: otherCode(code) })).status);
    // The replayed code counted as the first wrong one.
    expect(statuses).toEqual([422, 422, 422, 422, 429]);
    const blocked = await guesser.post("/connexion/code", { code });
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain("Réessayez dans 1 minute.");
    expect((await guesser.get("/")).status).toBe(303);
    expect(await events()).toContain("second_factor_failed");
  });

  it("adds a passkey from « Double authentification », then signs in with it; removes it", async () => {
    await p.owner.deleteFrom("operator_throttle").execute(); // the last test's block has run out
    const op = await signedIn();
    const empty = await op.get(PAGE);
    expect(empty.status).toBe(200);
    const html = await empty.text();
    expect(html).toContain("<h1>Double authentification</h1>");
    expect(html).toContain("Aucune clé d'accès.");
    expect(html).toContain(`action="${PAGE}/cles"`);

    const phone = softAuthenticator(publicOrigin(p.deps.env, "admin.localhost"));
    const options = (await (await op.post(`${PAGE}/cles/options`)).json()) as Creation;
    expect(options.rp.id).toBe("admin.localhost");
    const created = JSON.stringify(phone.create(options));
    const added = await op.post(`${PAGE}/cles`, { name: "Clé du bureau", response: created });
    expect(added.headers.get("location")).toBe(`${PAGE}?message=cle-ajoutee`);
    const again = await op.post(`${PAGE}/cles`, { name: "Clé du bureau", response: created });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('id="f-name-error">La demande a expiré ou a déjà servi.');
    const listed = await (await op.get(PAGE)).text();
    expect(listed).toMatch(/<strong>Clé du bureau<\/strong>, ajoutée le \d+ \S+ \d{4}\s/);
    expect(listed).not.toContain("dernière utilisation");

    const login = await passwordOnly();
    expect(await (await login.get("/connexion/code")).text()).toContain("Se connecter avec une clé d'accès");
    const answer = JSON.stringify(phone.get(await loginOptions(login, phone.id)));
    const done = await login.post("/connexion/code/cle", { response: answer });
    expect(done.headers.get("location")).toBe("/");
    expect((await login.get("/")).status).toBe(200);
    expect(await (await op.get(PAGE)).text()).toContain("dernière utilisation le");

    const id = (await p.owner.selectFrom("operator_passkeys").select("id").executeTakeFirstOrThrow()).id;
    const removed = await op.post(`${PAGE}/cles/${id}/suppression`);
    expect(removed.headers.get("location")).toBe(`${PAGE}?message=cle-supprimee`);
    expect(await (await op.get(PAGE)).text()).toContain("Aucune clé d'accès.");
    const after = await passwordOnly();
    expect(await (await after.get("/connexion/code")).text()).not.toContain(
      "Se connecter avec une clé d'accès",
    );
    expect((await after.post("/connexion/code/cle/options")).status).toBe(404);
    const audit = await events();
    expect(audit.slice(-5)).toEqual([
      "passkey_added",
      "password_accepted",
      "login",
      "passkey_removed",
      "password_accepted",
    ]);
  });

  it("refuses a replayed or forged passkey answer, and slows them down like wrong codes", async () => {
    const op = await signedIn();
    const phone = softAuthenticator(publicOrigin(p.deps.env, "admin.localhost"));
    const options = (await (await op.post(`${PAGE}/cles/options`)).json()) as Creation;
    await op.post(`${PAGE}/cles`, { name: "Téléphone", response: JSON.stringify(phone.create(options)) });

    const first = await passwordOnly();
    const answer = JSON.stringify(phone.get(await loginOptions(first, phone.id)));
    expect((await first.post("/connexion/code/cle", { response: answer })).headers.get("location")).toBe("/");

    const thief = await passwordOnly();
    const stale = await thief.post("/connexion/code/cle", { response: answer });
    expect(stale.status).toBe(422);
    expect(await stale.text()).toContain('id="f-code-error">La demande a expiré ou a déjà servi.');
    await loginOptions(thief, phone.id);
    const replayed = await thief.post("/connexion/code/cle", { response: answer });
    expect(replayed.status).toBe(422);
    expect(await replayed.text()).toContain("La clé d&#39;accès n&#39;a pas pu être vérifiée.");
    // Another authenticator, or another site's origin, signs nothing this console accepts.
    const stranger = softAuthenticator("http://evil.localhost:3000");
    const forged = { ...phone.get(await loginOptions(thief, phone.id)), response: {} };
    const statuses = [(await thief.post("/connexion/code/cle", { response: JSON.stringify(forged) })).status];
    for (let i = 0; i < 3; i++) {
      const wrong = stranger.get(await loginOptions(thief, phone.id));
      statuses.push(
        (
          await thief.post("/connexion/code/cle", {
            response: JSON.stringify({ ...wrong, id: phone.id, rawId: phone.id }),
          })
        ).status,
      );
    }
    const good = JSON.stringify(phone.get(await loginOptions(thief, phone.id)));
    const blocked = await thief.post("/connexion/code/cle", { response: good });
    expect([...statuses, blocked.status]).toEqual([422, 422, 422, 429, 429]);
    expect(await blocked.text()).toContain("Réessayez dans 1 minute.");
    expect((await thief.get("/")).status).toBe(303);
    const failed = (await events()).filter((e) => e === "passkey_failed");
    expect(failed).toHaveLength(5);
  });
});
