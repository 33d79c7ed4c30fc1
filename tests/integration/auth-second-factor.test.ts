/**
 * Issue 16, item 11: staff turn on a second factor (TOTP, RFC 6238) with recovery codes; the
 * password alone then opens nothing; a town admin's reset is audited.
 */
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateTOTP } from "@oslojs/otp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { client, linkIn } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { codeOfNewWindow } from "../helpers/totp.ts";

const SENE = "sene.localhost:3000";
const PAGE = "/agents/compte/double-authentification";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

let ipSeq = 0;
const browser = () => client(p.app, SENE, { ip: `198.18.0.${++ipSeq}` });

async function enrol(email: string, base = "/agents") {
  const c = browser();
  expect((await c.login(email, DEMO_PASSWORD, base)).status).toBe(303);
  const page = `${base}/compte/double-authentification`;
  const html = await (await c.get(page)).text();
  expect(html).toContain("<h1>Double authentification</h1>");
  const secret = html.match(/cette clé : <code>([A-Z2-7 ]+)<\/code>/)?.[1] ?? "";
  const key = decodeBase32IgnorePadding(secret.replace(/ /g, ""));
  const wrong = await c.post(page, { code: "000000" === generateTOTP(key, 30, 6) ? "111111" : "000000" });
  expect(wrong.status).toBe(422);
  expect(await wrong.text()).toContain('id="f-code-error">Code incorrect.');
  const done = await c.post(page, { code: generateTOTP(key, 30, 6) });
  expect(done.status).toBe(200);
  const codes = [...(await done.text()).matchAll(/<code>([A-Z2-7]{4}-[A-Z2-7]{4})<\/code>/g)].map(
    (m) => m[1] ?? "",
  );
  expect(codes).toHaveLength(10);
  return { key, codes };
}

/** Enrols at /agents/connexion/code with the key its form shows: the page with the recovery codes. */
async function enrolPending(c: ReturnType<typeof browser>, query = "") {
  const html = await (await c.get(`/agents/connexion/code${query}`)).text();
  expect(html).toContain("Votre commune demande la double authentification pour les agents");
  const secret = html.match(/cette clé : <code>([A-Z2-7 ]+)<\/code>/)?.[1] ?? "";
  const key = decodeBase32IgnorePadding(secret.replace(/ /g, ""));
  const done = await c.post(`/agents/connexion/code${query}`, { code: generateTOTP(key, 30, 6) });
  expect(done.status).toBe(200);
  return done.text();
}

let lolaKey: Uint8Array;

describe("second factor for staff", () => {
  it("after the password, only the code opens the back-office; a recovery code works once", async () => {
    const { key, codes } = await enrol("agent@sene.test");
    const c = browser();
    const res = await c.login("agent@sene.test", DEMO_PASSWORD, "/agents");
    expect(res.headers.get("location")).toBe("/agents/connexion/code");
    expect((await c.get("/agents")).status).toBe(303);
    const form = await c.get("/agents/connexion/code");
    expect(await form.text()).toContain("<h1>Code de vérification</h1>");
    const bad = await c.post("/agents/connexion/code", { code: "12" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('aria-describedby="f-code-error"');
    expect((await c.get("/agents")).status).toBe(303);
    const code = await codeOfNewWindow(p.owner, key);
    const ok = await c.post("/agents/connexion/code", { code });
    expect(ok.headers.get("location")).toBe("/agents");
    expect((await c.get("/agents")).status).toBe(200);

    // A code serves once: seen over a shoulder, it opens nothing within its 30 s.
    const peeker = browser();
    await peeker.login("agent@sene.test", DEMO_PASSWORD, "/agents");
    const replay = await peeker.post("/agents/connexion/code", { code });
    expect(replay.status).toBe(422);
    expect(await replay.text()).toContain('id="f-code-error">Code incorrect.');
    expect((await peeker.get("/agents")).status).toBe(303);

    const lost = browser();
    await lost.login("agent@sene.test", DEMO_PASSWORD, "/agents");
    const recovery = codes[0] ?? "";
    expect((await lost.post("/agents/connexion/code", { code: recovery.toLowerCase() })).status).toBe(303);
    expect((await lost.get("/agents")).status).toBe(200);
    const again = browser();
    await again.login("agent@sene.test", DEMO_PASSWORD, "/agents");
    expect((await again.post("/agents/connexion/code", { code: recovery })).status).toBe(422);
    expect((await again.get("/agents")).status).toBe(303);
  });

  it("a town admin resets an agent's factor and passkeys (audited); an agent may not", async () => {
    const agent = await p.owner
      .selectFrom("users")
      .select(["id", "tenant_id"])
      .where("email", "=", "agent@sene.test")
      .executeTakeFirstOrThrow();
    const passkey = {
      tenant_id: agent.tenant_id,
      user_id: agent.id,
      public_key: Buffer.from("k"),
      name: "Clé",
    };
    await p.owner
      .insertInto("passkeys")
      .values({ ...passkey, credential: "YWdlbnQ" })
      .execute();
    const c = browser();
    await c.login("agent@sene.test", DEMO_PASSWORD, "/agents");
    expect(await (await c.get("/agents/connexion/code")).text()).toContain("Code de vérification");
    expect((await c.post(`${PAGE}/reinitialisation/${agent.id}`)).status).toBe(303);

    const admin = browser();
    expect((await admin.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const list = await (await admin.get(PAGE)).text();
    expect(list).toContain(`${PAGE}/reinitialisation/${agent.id}`);
    const reset = await admin.post(`${PAGE}/reinitialisation/${agent.id}`);
    expect(reset.headers.get("location")).toBe(`${PAGE}?reinitialise=1`);
    const audit = await p.owner
      .selectFrom("audit_log")
      .select(["action", "entity_id", "actor_kind"])
      .where("action", "=", "second_factor_reset")
      .execute();
    expect(audit).toEqual([{ action: "second_factor_reset", entity_id: agent.id, actor_kind: "staff" }]);
    const left = await p.owner.selectFrom("passkeys").select("id").where("user_id", "=", agent.id).execute();
    expect(left).toEqual([]);
    const after = browser();
    expect((await after.login("agent@sene.test", DEMO_PASSWORD, "/agents")).headers.get("location")).toBe(
      "/agents",
    );

    const other = browser();
    expect((await other.login("agent@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const adminUser = await p.owner
      .selectFrom("users")
      .select("id")
      .where("email", "=", "admin@sene.test")
      .executeTakeFirstOrThrow();
    expect((await other.post(`${PAGE}/reinitialisation/${adminUser.id}`)).status).toBe(403);
  });

  it("a parent may choose it too: then the portal asks for the code after the password", async () => {
    const { key } = await enrol("lola.test@sene.test", "");
    lolaKey = key;
    const c = browser();
    const res = await c.login("lola.test@sene.test", DEMO_PASSWORD);
    expect(res.headers.get("location")).toBe("/connexion/code");
    expect((await c.get("/profil")).status).toBe(303);
    const ok = await c.post("/connexion/code", { code: await codeOfNewWindow(p.owner, key) });
    expect(ok.headers.get("location")).toBe("/");
    expect((await c.get("/profil")).status).toBe(200);
  });

  it("where the town requires it, an agent without a factor enrols right after the password", async () => {
    const admin = browser();
    expect((await admin.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const rule = await admin.post("/agents/parametres/donnees", [
      ["keep_household_years", "3"],
      ["keep_journal_months", "12"],
      ["keep_audit_years", "3"],
      ["staff_second_factor", "on"],
    ]);
    expect(rule.status).toBe(303);

    const c = browser();
    const res = await c.login("agent@sene.test", DEMO_PASSWORD, "/agents");
    expect(res.headers.get("location")).toBe("/agents/connexion/code");
    expect((await c.get("/agents")).status).toBe(303);
    const html = await (await c.get("/agents/connexion/code")).text();
    expect(html).toContain("Votre commune demande la double authentification pour les agents");
    const secret = html.match(/cette clé : <code>([A-Z2-7 ]+)<\/code>/)?.[1] ?? "";
    const key = decodeBase32IgnorePadding(secret.replace(/ /g, ""));
    const code = generateTOTP(key, 30, 6);
    const wrong = await c.post("/agents/connexion/code", { code: code === "000000" ? "111111" : "000000" });
    expect(wrong.status).toBe(422);
    expect((await c.get("/agents")).status).toBe(303);
    const done = await c.post("/agents/connexion/code", { code });
    expect(done.status).toBe(200);
    expect([...(await done.text()).matchAll(/<code>[A-Z2-7]{4}-[A-Z2-7]{4}<\/code>/g)]).toHaveLength(10);
    expect((await c.get("/agents")).status).toBe(200);
  });

  it("where the town requires it, an invited agent's activation opens nothing before the factor", async () => {
    const admin = browser();
    expect((await admin.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    await enrolPending(admin);
    const since = lastId(p.mailbox);
    const invite = { first_name: "Inès", last_name: "Nouvelle", email: "ines@sene.test", role: "agent" };
    expect((await admin.post("/agents/equipe", invite)).status).toBe(303);
    const mail = await p.mailbox.waitFor("ines@sene.test", { since });
    const link = linkIn(mail.text, `http://${SENE}`);

    const c = browser();
    const password = "Equipe-Sene-2026";
    const res = await c.post(link, { new_password: password, confirm_password: password });
    const welcome = "/agents?message=compte-active";
    expect(res.headers.get("location")).toBe(`/agents/connexion/code?suite=${encodeURIComponent(welcome)}`);
    expect((await c.get("/agents")).status).toBe(303);
    expect((await c.get("/agents/equipe")).status).toBe(303);
    const codes = await enrolPending(c, `?suite=${encodeURIComponent(welcome)}`);
    expect(codes).toContain(`<a href="${welcome.replace("&", "&amp;")}">Retour à l'accueil</a>`);
    expect(await (await c.get(welcome)).text()).toContain("Votre compte est activé. Bienvenue !");
  });

  it("passkeys: a challenge serves once, a wrong answer is refused in French", async () => {
    const parent = browser();
    const res = await parent.login("lola.test@sene.test", DEMO_PASSWORD);
    expect(res.headers.get("location")).toBe("/connexion/code");
    const lola = await p.owner
      .selectFrom("users")
      .select(["id", "tenant_id"])
      .where("email", "=", "lola.test@sene.test")
      .executeTakeFirstOrThrow();
    // Without a passkey, the page offers none and the options are refused.
    expect(await (await parent.get("/connexion/code")).text()).not.toContain(
      "Se connecter avec une clé d'accès",
    );
    expect((await parent.post("/connexion/code/cle/options")).status).toBe(404);
    await p.owner
      .insertInto("passkeys")
      .values({
        tenant_id: lola.tenant_id,
        user_id: lola.id,
        credential: "Y3JlZGVudGlhbA",
        public_key: Buffer.from("not a key"),
        name: "Téléphone",
      })
      .execute();
    expect(await (await parent.get("/connexion/code")).text()).toContain("Se connecter avec une clé d'accès");

    const forged = JSON.stringify({
      id: "Y3JlZGVudGlhbA",
      rawId: "Y3JlZGVudGlhbA",
      type: "public-key",
      response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA" },
      clientExtensionResults: {},
    });
    const stale = await parent.post("/connexion/code/cle", { response: forged });
    expect(stale.headers.get("location")).toBe(null);
    expect(stale.status).toBe(422);
    expect(await stale.text()).toContain(
      'id="f-code-error">La demande a expiré ou a déjà servi. Recommencez.',
    );
    const options = await parent.post("/connexion/code/cle/options");
    expect(options.status).toBe(200);
    const json = (await options.json()) as { challenge: string; allowCredentials: { id: string }[] };
    expect(json.allowCredentials.map((k) => k.id)).toEqual(["Y3JlZGVudGlhbA"]);
    const refused = await parent.post("/connexion/code/cle", { response: forged });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("La clé d&#39;accès n&#39;a pas pu être vérifiée.");
    const replay = await parent.post("/connexion/code/cle", { response: forged });
    expect(await replay.text()).toContain("La demande a expiré ou a déjà servi.");
    const none = await parent.post("/connexion/code/cle", { response: "" });
    expect(await none.text()).toContain("Votre navigateur n&#39;a pas fourni de clé d&#39;accès.");
    expect((await parent.get("/profil")).status).toBe(303);
    const failed = await p.owner
      .selectFrom("auth_events")
      .select("event")
      .where("user_id", "=", lola.id)
      .where("event", "=", "passkey_failed")
      .execute();
    expect(failed).toHaveLength(3);
    expect(
      (await parent.post("/connexion/code", { code: await codeOfNewWindow(p.owner, lolaKey) })).status,
    ).toBe(303);

    // Adding one, signed in, needs the browser's answer to the challenge this session asked for.
    const stray = await parent.post("/compte/double-authentification/cles", {
      name: "Clé",
      response: forged,
    });
    expect(stray.status).toBe(422);
    expect(await stray.text()).toContain('id="f-name-error">La demande a expiré ou a déjà servi.');
    expect((await parent.post("/compte/double-authentification/cles/options")).status).toBe(200);
    const bad = await parent.post("/compte/double-authentification/cles", { name: "Clé", response: forged });
    expect(await bad.text()).toContain("La clé d&#39;accès n&#39;a pas pu être vérifiée.");
    const page = await (await parent.get("/compte/double-authentification")).text();
    expect(page).toContain("<h2>Clés d'accès</h2>");
    expect(page).toContain("<strong>Téléphone</strong>");
  });
});
