import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { client, linkIn } from "../helpers/client.ts";
import { operatorClient } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const NEW_PASSWORD = "Equipe-Sene-2026";
let p: TestPlatform;
let op: Awaited<ReturnType<typeof operatorClient>>;
let seneId: string;
beforeAll(async () => {
  p = await createTestPlatform();
  op = await operatorClient(p);
  seneId = p.tenants.get("sene") as string;
});
afterAll(async () => {
  await p?.close();
});

const userId = async (email: string) =>
  (
    await p.owner
      .selectFrom("users")
      .select("id")
      .where("tenant_id", "=", seneId)
      .where("kind", "=", "staff")
      .where("email", "=", email)
      .executeTakeFirstOrThrow()
  ).id;

/** Follows the invitation e-mail's link and chooses a password: the new account's signed-in client. */
async function activate(email: string, since: number) {
  const mail = await p.mailbox.waitFor(email, { since });
  expect(mail.subject).toMatch(/^Votre accès à l'espace agents – Séné$/);
  const link = linkIn(mail.text, `http://${SENE}`);
  const c = client(p.app, SENE, { ip: "198.51.100.7" });
  expect((await c.get(link)).status).toBe(200);
  const res = await c.post(link, { new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
  expect(res.status).toBe(303);
  // « Compte activé »: on the back-office's home, and by e-mail (not the families' one).
  expect(res.headers.get("location")).toBe("/agents?message=compte-active");
  const welcome = await (await c.get("/agents?message=compte-active")).text();
  expect(welcome).toContain('<p class="flash" role="status">Votre compte est activé. Bienvenue !</p>');
  const done = await p.mailbox.waitFor(email, { since: mail.id });
  expect(done.subject).toBe("Votre accès à l'espace agents est activé – Séné");
  expect(done.text).toContain(`http://${SENE}/agents`);
  expect(done.text).not.toContain("compte famille");
  return c;
}

describe("an operator invites a town's first admin", () => {
  it("sends the activation link, audits it in the platform, and the admin reaches « Équipe »", async () => {
    const since = lastId(p.mailbox);
    const res = await op.post(`/communes/${seneId}/equipe`, {
      first_name: "Gaëlle",
      last_name: "Premiere",
      email: "Gaelle.Premiere@sene.test",
      role: "admin",
    });
    expect(res.status).toBe(303);
    expect(await (await op.get(`/communes/${seneId}/equipe`)).text()).toContain("Invitation envoyée");
    const audit = await p.owner
      .selectFrom("platform_audit")
      .select("event")
      .where("target_tenant_id", "=", seneId)
      .execute();
    expect(audit.map((a) => a.event)).toContain("staff_invited");

    const admin = await activate("gaelle.premiere@sene.test", since);
    const team = await admin.get("/agents/equipe");
    expect(team.status).toBe(200);
    const html = await team.text();
    expect(html).toContain("<h1>Équipe</h1>");
    expect(html).toContain("Gaëlle PREMIERE (vous)");
    expect(html).toMatch(/invitation de Gaëlle PREMIERE, par le support Parvis/);
  });

  it("refuses an e-mail already used by a staff account, at the field", async () => {
    const res = await op.post(`/communes/${seneId}/equipe`, {
      first_name: "Anne",
      last_name: "Double",
      email: "admin@sene.test",
      role: "admin",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain(
      'id="f-email-error">Un compte agent utilise déjà cette adresse e-mail.',
    );
  });

  it("deactivates an admin from the console: signed out at once, and no way back in", async () => {
    const anne = client(p.app, SENE, { ip: "198.51.100.8" });
    expect((await anne.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect((await anne.get("/agents")).status).toBe(200);
    const id = await userId("admin@sene.test");
    expect((await op.post(`/communes/${seneId}/equipe/${id}/desactiver`)).status).toBe(303);
    expect((await anne.get("/agents")).status).toBe(303);
    const sessions = await p.owner.selectFrom("sessions").select("id").where("user_id", "=", id).execute();
    expect(sessions).toEqual([]);
    const again = await client(p.app, SENE, { ip: "198.51.100.9" }).login(
      "admin@sene.test",
      DEMO_PASSWORD,
      "/agents",
    );
    expect(again.status).toBe(401);
    expect((await op.post(`/communes/${seneId}/equipe/${id}/reactiver`)).status).toBe(303);
    expect((await anne.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
  });
});

describe("« Équipe »: a town admin manages the staff", () => {
  it("invites an agent, changes a role, deactivates, resends; every change is audited", async () => {
    const admin = client(p.app, SENE, { ip: "198.51.100.10" });
    expect((await admin.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);

    const bad = await admin.post("/agents/equipe", {
      first_name: "",
      last_name: "X",
      email: "pas-un-mail",
      role: "agent",
    });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('id="f-email-error">Adresse e-mail invalide.');
    expect(badHtml).toContain('value="pas-un-mail"');

    const since = lastId(p.mailbox);
    expect(
      (
        await admin.post("/agents/equipe", {
          first_name: "Hugo",
          last_name: "Nouveau",
          email: "hugo@sene.test",
          role: "agent",
        })
      ).status,
    ).toBe(303);
    const first = await p.mailbox.waitFor("hugo@sene.test", { since });
    const hugoId = await userId("hugo@sene.test");
    const since2 = lastId(p.mailbox);
    expect((await admin.post(`/agents/equipe/${hugoId}/invitation`)).status).toBe(303);
    // The first link stops working once a new one is sent.
    const oldLink = linkIn(first.text, `http://${SENE}`);
    expect((await client(p.app, SENE).get(oldLink)).status).toBe(410);
    const hugo = await activate("hugo@sene.test", since2);

    // An agent never reaches « Équipe ».
    expect((await hugo.get("/agents/equipe")).status).toBe(403);
    expect((await hugo.post(`/agents/equipe/${hugoId}/role`, { role: "admin" })).status).toBe(403);

    expect((await admin.post(`/agents/equipe/${hugoId}/role`, { role: "admin" })).status).toBe(303);
    expect((await hugo.get("/agents/equipe")).status).toBe(200);
    expect((await admin.post(`/agents/equipe/${hugoId}/desactiver`)).status).toBe(303);
    expect((await hugo.get("/agents")).status).toBe(303);

    const me = await userId("admin@sene.test");
    expect((await admin.post(`/agents/equipe/${me}/desactiver`)).status).toBe(403);

    const log = await p.owner
      .selectFrom("audit_log")
      .select(["action", "actor_id", "actor_kind"])
      .where("tenant_id", "=", seneId)
      .where("entity_id", "=", hugoId)
      .orderBy("at")
      .execute();
    expect(log.map((l) => l.action)).toEqual([
      "staff_invited",
      "staff_invitation_resent",
      "staff_role_changed",
      "staff_disabled",
    ]);
    expect(new Set(log.map((l) => `${l.actor_kind}:${l.actor_id}`))).toEqual(new Set([`staff:${me}`]));
  });

  it("keeps each town's team to itself", async () => {
    const admin = client(p.app, "plombieres.localhost:3000", { ip: "198.51.100.11" });
    expect((await admin.login("admin@plombieres.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const seneAgent = await userId("agent@sene.test");
    expect((await admin.post(`/agents/equipe/${seneAgent}/desactiver`)).status).toBe(404);
    expect(await (await admin.get("/agents/equipe")).text()).not.toContain("sene.test");
  });
});
