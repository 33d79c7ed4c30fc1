import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { townOf } from "../helpers/planning-fixture.ts";
import { type Family, generateBookings, generateFamilies } from "../helpers/planning-generator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import type { Client } from "./documents-fixtures.ts";
import { agent, dupont, FILES, postFiles, threadIdOf } from "./messages-fixtures.ts";

// « Messagerie » and « Diffusion » for staff, the unread count and e-mail notice (issue 14, items 2, 3, 5, 6).

let p: TestPlatform;
let jean: Client;
let staff: Client;
let tenantId: string;
let jeanHousehold: string;
let families: Family[];
beforeAll(async () => {
  p = await createTestPlatform();
  jean = await dupont(p);
  staff = await agent(p);
  tenantId = p.tenants.get("plombieres") as string;
  const h = await p.owner
    .selectFrom("households")
    .select("id")
    .where("tenant_id", "=", tenantId)
    .where("name", "ilike", "%DUPONT%")
    .executeTakeFirstOrThrow();
  jeanHousehold = h.id;
  // Jean says yes to « Autorisation courriel »; the generated families do not.
  await p.owner
    .updateTable("guardians")
    .set({ consent_email: true })
    .where("household_id", "=", jeanHousehold)
    .execute();
  families = await generateFamilies(p.owner, await townOf(p, "plombieres"), { prefix: "M", count: 3 });
});
afterAll(async () => {
  await p?.close();
});

const outboxTo = (address: string) =>
  p.owner.selectFrom("outbox").select(["subject", "text_body"]).where("to_address", "=", address).execute();

describe("a conversation between a household and its town", () => {
  let id: string;
  it("shows the parent's message to staff as « Non lu », filtered by service, state and text", async () => {
    id = threadIdOf(
      await postFiles(p, jean, "/messages/nouveau", {
        subject: "Cantine",
        service: "Restauration scolaire",
        body: "Repas sans porc",
      }),
    );
    const home = await (await staff.get("/agents")).text();
    expect(home).toMatch(/<strong>1<\/strong> non lu, <strong>1<\/strong> à traiter/);
    for (const q of ["?etat=non_lu", "?service=Restauration+scolaire", "?q=sans+porc", "?q=DUPONT"])
      expect(await (await staff.get(`/agents/messages${q}`)).text()).toContain(`/agents/messages/${id}`);
    for (const q of ["?etat=traite", "?service=ALSH", "?q=piscine"])
      expect(await (await staff.get(`/agents/messages${q}`)).text()).not.toContain(`/agents/messages/${id}`);
  });

  it("lets staff reply with a file; the parent sees « 1 Nouveau(x) Message(s) » and gets a notice without content", async () => {
    const page = await (await staff.get(`/agents/messages/${id}`)).text();
    expect(page).toContain(`href="/agents/foyers/${jeanHousehold}"`);
    const res = await postFiles(
      p,
      staff,
      `/agents/messages/${id}/repondre`,
      { body: "C'est noté, secret 4242." },
      [{ name: "menu.pdf", bytes: FILES.pdf }],
    );
    expect(res.status).toBe(303);
    const home = await (await jean.get("/")).text();
    expect(home).toMatch(
      /vous avez <a href="\/messages" class="unread-link"><strong>1<\/strong> Nouveau\(x\) Message\(s\)/,
    );
    const [mail] = await outboxTo("jean.dupont@plombieres.test");
    expect(mail?.subject).toContain("Nouveau message");
    expect(mail?.text_body).toContain("http://plombieres.localhost:3000/messages");
    expect(mail?.text_body).not.toContain("4242");
    const opened = await (await jean.get(`/messages/${id}`)).text();
    expect(opened).toContain("C&#39;est noté, secret 4242.");
    expect(opened).toMatch(/<strong>0<\/strong> Nouveau\(x\) Message\(s\)/);
    expect(opened).toContain("menu.pdf");
  });

  it("assigns to oneself and marks « traité »", async () => {
    await staff.post(`/agents/messages/${id}/attribuer`);
    await staff.post(`/agents/messages/${id}/traite`);
    const list = await (await staff.get("/agents/messages?etat=traite")).text();
    expect(list).toContain(`/agents/messages/${id}`);
    expect(list).toContain("Paul AGENT");
  });
});

describe("fences", () => {
  it("answers 404 to a parent for another household's conversation and attachment", async () => {
    const other = families[0] as Family;
    const t = await p.owner
      .insertInto("message_threads")
      .values({
        tenant_id: tenantId,
        household_id: other.householdId,
        subject: "Privé",
        service: "Accueil",
        started_by: "parent",
        broadcast_id: null,
        assigned_to: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const m = await p.owner
      .insertInto("messages")
      .values({
        tenant_id: tenantId,
        household_id: other.householdId,
        thread_id: t.id,
        author: "parent",
        author_user_id: other.userId,
        body: "x",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const f = await p.owner
      .insertInto("message_attachments")
      .values({
        tenant_id: tenantId,
        household_id: other.householdId,
        message_id: m.id,
        filename: "a.pdf",
        mime: "application/pdf",
        size: 1,
        sha256: "0".repeat(64),
        content: Buffer.from("x"),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect((await jean.get(`/messages/${t.id}`)).status).toBe(404);
    expect((await jean.get(`/messages/pieces-jointes/${f.id}`)).status).toBe(404);
    expect((await jean.post(`/messages/${t.id}/repondre`, { body: "intrus" })).status).toBe(404);
    expect((await jean.post(`/messages/${t.id}/supprimer`)).status).toBe(404);
  });
});

describe("« Diffusion »", () => {
  it("counts the households booked on a Wednesday before sending, then reaches only them", async () => {
    const period = await p.owner
      .selectFrom("periods")
      .select(["id", "service_id as serviceId"])
      .where("tenant_id", "=", tenantId)
      .where("key", "=", "mercredi-journee-2026-2027")
      .executeTakeFirstOrThrow();
    const booked = families.slice(0, 2);
    await generateBookings(p.owner, tenantId, period, booked, ["2026-12-09"]);
    const form = {
      cible: "reserves",
      service_id: period.serviceId,
      du: "2026-12-09",
      subject: "Sortie annulée mercredi",
      service: "ALSH",
      body: "La sortie au musée est annulée.",
    };
    const preview = await staff.post("/agents/diffusion", { ...form, etape: "apercu" });
    expect(await preview.text()).toContain("<strong>2 foyers</strong> recevront ce message");
    const sent = await staff.post("/agents/diffusion", { ...form, etape: "envoyer" });
    expect(sent.headers.get("location")).toBe("/agents/diffusion?envoye=2");
    const reached = await p.owner
      .selectFrom("message_threads")
      .select("household_id")
      .where("subject", "=", "Sortie annulée mercredi")
      .execute();
    expect(reached.map((r) => r.household_id).sort()).toEqual(booked.map((f) => f.householdId).sort());
    // Neither generated family said yes to « Autorisation courriel ».
    expect(await outboxTo(`famille-${booked[0]?.number.toLowerCase()}@plombieres.test`)).toEqual([]);
    const list = await (await staff.get("/agents/diffusion")).text();
    expect(list).toContain("Réservés le mercredi 9 décembre 2026 – ALSH Mercredi journée");
    const audit = await p.owner
      .selectFrom("audit_log")
      .select("action")
      .where("entity", "=", "broadcasts")
      .execute();
    expect(audit).toEqual([{ action: "broadcast" }]);
  });

  it("writes to every household and e-mails those who consented", async () => {
    const res = await staff.post("/agents/diffusion", {
      cible: "tous",
      subject: "Fermeture",
      service: "Accueil",
      body: "Fermé le 24.",
      etape: "envoyer",
    });
    expect(res.status).toBe(303);
    const n = await p.owner
      .selectFrom("households")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("tenant_id", "=", tenantId)
      .executeTakeFirstOrThrow();
    expect(res.headers.get("location")).toBe(`/agents/diffusion?envoye=${n.n}`);
    const mails = await outboxTo("jean.dupont@plombieres.test");
    expect(mails.length).toBe(2);
    const inbox = await (await jean.get("/messages")).text();
    expect(inbox).toContain("Fermeture");
  });

  it("re-renders the form with what was typed when the audience is missing", async () => {
    const res = await staff.post("/agents/diffusion", {
      subject: "Sans cible",
      service: "Accueil",
      body: "x",
      etape: "apercu",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Choisissez les destinataires.");
    expect(html).toContain('value="Sans cible"');
  });
});

describe("« Diffusion » audiences", () => {
  const preview = async (fields: Record<string, string>) =>
    (
      await staff.post("/agents/diffusion", {
        subject: "Test",
        service: "Accueil",
        body: "x",
        etape: "apercu",
        ...fields,
      })
    ).text();

  it("counts the households of a school and class, and one household by its N° Famille", async () => {
    expect(await preview({ cible: "ecole", ecole: "École du Centre", classe: "CE2" })).toContain(
      "<strong>3 foyers</strong>",
    );
    expect(await preview({ cible: "ecole", ecole: "École du Centre", classe: "CM2" })).toContain(
      "<strong>0 foyer</strong>",
    );
    expect(await preview({ cible: "foyer", numero: families[0]?.number as string })).toContain(
      "<strong>1 foyer</strong>",
    );
  });

  it("counts the households with an invoice left to pay", async () => {
    expect(await preview({ cible: "impayes" })).toContain("<strong>0 foyer</strong>");
    const regie = await p.owner
      .selectFrom("regies")
      .select("id")
      .where("tenant_id", "=", tenantId)
      .executeTakeFirstOrThrow();
    await p.owner
      .insertInto("invoices")
      .values({
        tenant_id: tenantId,
        regie_id: regie.id,
        household_id: families[1]?.householdId as string,
        kind: "invoice",
        seq: 9001,
        number: "EJ-9001",
        issued_on: "2026-11-30",
        total_cents: 1250,
      } as never)
      .execute();
    expect(await preview({ cible: "impayes" })).toContain("<strong>1 foyer</strong>");
  });
});
