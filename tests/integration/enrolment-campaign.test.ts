import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// « Mise à jour du dossier » (issue 15): staff open the campaign, one family completes it and
// re-enrols in one step, the other is reminded, then the campaign is closed.

const HOST = "plombieres.localhost:3000";
let p: TestPlatform;
let parent: ReturnType<typeof client>;
let staff: ReturnType<typeof client>;

beforeAll(async () => {
  p = await createTestPlatform();
  parent = client(p.app, HOST, { ip: "192.0.2.31" });
  expect((await parent.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
  staff = client(p.app, HOST, { ip: "192.0.2.32" });
  expect((await staff.login("admin@plombieres.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
  p.setNow(new Date("2027-05-10T08:00:00Z"));
}, 120_000);
afterAll(async () => {
  p?.setNow(null);
  await p?.close();
});

describe("annual update campaign", () => {
  it("refuses an incomplete opening at its fields, then opens it", async () => {
    const bad = await staff.post("/agents/campagne", [
      ["nom", ""],
      ["echeance", "2027-01-01"],
    ]);
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Indiquez le nom de la campagne.");
    expect(html).toContain("Indiquez une date limite à venir");
    expect(html).toContain("Cochez au moins une rubrique à confirmer.");
    const ok = await staff.post("/agents/campagne", [
      ["nom", "Dossier unique 2027-2028"],
      ["echeance", "2027-06-30"],
      ["sections", "responsables"],
      ["sections", "sante"],
    ]);
    expect(ok.status).toBe(303);
  });

  it("lists what each guardian and each child still has to confirm, ticked until finished", async () => {
    const todo = "Mise à jour du dossier « Dossier unique 2027-2028 » à terminer avant le 30/06/2027.";
    expect(await (await parent.get("/")).text()).toContain(todo);
    const page = await (await parent.get("/mise-a-jour")).text();
    expect(page).toContain("Dossier unique 2027-2028");
    const keys = [...page.matchAll(/name="verifie" value="([^"]+)"/g)].map((m) => m[1] as string);
    const guardians = keys.filter((k) => k.startsWith("responsables:"));
    const health = keys.filter((k) => k.startsWith("sante:"));
    expect(guardians.length).toBe(2);
    expect(health.length).toBeGreaterThan(0);
    expect(keys.length).toBe(guardians.length + health.length);
    expect(page).toContain(`0 point(s) vérifié(s) sur ${keys.length}.`);
    expect(page).toContain("<legend>Lucas DUPONT</legend>");
    expect(page).toContain("<li><strong>Lucas DUPONT</strong> : Santé</li>");
    expect(page).toContain(
      "<li><strong>Jean DUPONT</strong> : Responsable légal : identité et coordonnées</li>",
    );
    await parent.post("/mise-a-jour", [
      ["verifie", guardians[0] as string],
      ["verifie", "sante"],
    ]);
    const after = await (await parent.get("/mise-a-jour")).text();
    expect(after).toContain(`1 point(s) vérifié(s) sur ${keys.length}.`);
    expect(after).not.toContain("<li><strong>Jean DUPONT</strong>");
    const staffView = await (await staff.get("/agents/campagne")).text();
    expect(staffView).toContain("Commencé (1)");
    expect(staffView).toContain("<li>Lucas DUPONT : Santé</li>");
    await parent.post(
      "/mise-a-jour",
      keys.map((k): [string, string] => ["verifie", k]),
    );
    const done = await (await parent.get("/mise-a-jour")).text();
    expect(done).toContain("Terminé : merci, votre dossier est confirmé.");
    expect(done).not.toContain("Reste à confirmer");
    expect(await (await parent.get("/")).text()).not.toContain(todo);
  });

  it("re-enrols this year's services for next year in one step", async () => {
    const page = await (await parent.get("/mise-a-jour")).text();
    expect(page).toContain(
      "Lucas DUPONT : Garderie périscolaire › Restauration scolaire › Restauration scolaire 2027-2028",
    );
    const ids = [...page.matchAll(/name="inscriptions" value="([0-9a-f-]+)"/g)].map((m) => m[1] as string);
    expect(ids.length).toBe(2);
    const res = await parent.post(
      "/mise-a-jour/reinscription",
      ids.map((id): [string, string] => ["inscriptions", id]),
    );
    expect(res.status).toBe(303);
    const rows = await p.owner
      .selectFrom("enrolments as e")
      .innerJoin("periods as p", "p.id", "e.period_id")
      .select(["p.key", "e.status"])
      .where("e.status", "=", "pending")
      .orderBy("p.key")
      .execute();
    expect(rows).toEqual([
      { key: "mercredi-journee-2027-2028", status: "pending" },
      { key: "restauration-2027-2028", status: "pending" },
    ]);
    expect(await (await parent.get("/mise-a-jour")).text()).toContain(
      "Aucune inscription de cette année à renouveler.",
    );
  });

  it("follows who finished, reminds the others in their inbox and by e-mail per consent, and closes", async () => {
    const html = await (await staff.get("/agents/campagne")).text();
    expect(html).toContain("Terminé (1)");
    expect(html).toContain("M. et Mme DUPONT (N° 1001001818331)");
    expect(html).toContain("Pas commencé (1)");
    expect(html).toContain("Sophie MARTIN : Responsable légal");
    const martin = (
      await p.owner
        .selectFrom("households")
        .select("id")
        .where("name", "like", "%MARTIN%")
        .executeTakeFirstOrThrow()
    ).id;
    const mailsToSophie = async () =>
      (
        await p.owner
          .selectFrom("outbox")
          .select("id")
          .where("to_address", "=", "sophie.martin@plombieres.test")
          .where("subject", "like", "Rappel%")
          .execute()
      ).length;
    // Without « Autorisation courriel », Plombières reminds through the inbox only.
    expect((await staff.post("/agents/campagne/relance")).status).toBe(303);
    expect(await mailsToSophie()).toBe(0);
    await p.owner
      .updateTable("guardians")
      .set({ consent_email: true })
      .where("household_id", "=", martin)
      .execute();
    expect((await staff.post("/agents/campagne/relance")).status).toBe(303);
    expect(await mailsToSophie()).toBe(1);
    const inbox = await p.owner
      .selectFrom("message_threads as t")
      .innerJoin("households as h", "h.id", "t.household_id")
      .select(["h.name", "t.subject"])
      .where("t.subject", "like", "Rappel : mise à jour%")
      .execute();
    // One inbox message per reminder, to MARTIN only (DUPONT has finished).
    expect(inbox.map((t) => t.name)).toEqual([
      expect.stringContaining("MARTIN"),
      expect.stringContaining("MARTIN"),
    ]);
    expect(inbox[0]?.subject).toBe("Rappel : mise à jour de votre dossier famille avant le 30/06/2027");
    const mail = await p.mailbox.waitFor("sophie.martin@plombieres.test");
    expect(mail.subject).toContain("Rappel : mise à jour de votre dossier famille");
    expect(
      p.mailbox
        .list()
        .some((m) => m.to.includes("jean.dupont@plombieres.test") && m.subject.startsWith("Rappel")),
    ).toBe(false);
    expect((await staff.post("/agents/campagne/cloture")).status).toBe(303);
    expect(await (await parent.get("/mise-a-jour")).text()).toContain(
      "Aucune mise à jour du dossier n'est demandée",
    );
  });

  it("keeps « Mise à jour des dossiers » to staff: a visitor signs in first, a parent is refused", async () => {
    const visitor = client(p.app, HOST, { ip: "192.0.2.33" });
    const anonymous = await visitor.get("/agents/campagne");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/agents/connexion");
    expect((await parent.get("/agents/campagne")).status).toBe(403);
    expect((await parent.post("/agents/campagne/relance")).status).toBe(403);
  });
});
