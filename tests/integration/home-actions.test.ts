import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { sectionLabel } from "../../src/features/requests/view.ts";
import { client } from "../helpers/client.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// « À faire » on the parent's home page (issue 11 item 4): what needs the family now, each
// with its link, above the tiles.

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
}, 120_000);
afterAll(async () => {
  await p?.close();
});

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

it("shows the basket to pay with its deadline, a refused document and a decided request, each with its link", async () => {
  const household = await completeFile(p, "sene", "1001");
  const tenant = await townOf(p, "sene");
  const lola = client(p.app, "sene.localhost:3000");
  expect((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
  expect(await (await lola.get("/")).text()).not.toContain("À faire");

  const ids = await p.owner
    .selectFrom("children")
    .select("id")
    .where("household_id", "=", household)
    .execute();
  const period = await p.owner
    .selectFrom("periods")
    .select("id")
    .where("tenant_id", "=", tenant.id)
    .where("key", "=", "mercredi-pompidou-2026-2027")
    .executeTakeFirstOrThrow();
  const booked = await lola.post("/planning/reserver/valider", [
    ["periode", period.id],
    ["enfants", ids[0]?.id as string],
    ["jours", "2027-03-10"],
    ["cle", crypto.randomUUID()],
  ]);
  expect(booked.status).toBe(303);

  const user = await p.owner
    .selectFrom("users")
    .select("id")
    .where("email", "=", "lola.test@sene.test")
    .executeTakeFirstOrThrow();
  const content = Buffer.from("%PDF-1.4 refusé");
  await p.owner
    .insertInto("documents")
    .values({
      tenant_id: tenant.id,
      household_id: household,
      type: tenant.config.householdFile.documents.types[0]?.key as string,
      filename: "justificatif.pdf",
      mime: "application/pdf",
      size: content.length,
      sha256: createHash("sha256").update(content).digest("hex"),
      content,
      state: "refused",
      reason: "Document illisible",
      uploaded_by: user.id,
    })
    .execute();
  await p.owner
    .insertInto("change_requests")
    .values({
      tenant_id: tenant.id,
      household_id: household,
      section: "coordonnees",
      current_values: "{}",
      proposed_values: "{}",
      status: "accepted",
      created_by: user.id,
      decided_at: new Date(),
    })
    .execute();

  const html = await (await lola.get("/")).text();
  const block = html.slice(html.indexOf('<section class="home-actions"'), html.indexOf('<ul class="tiles">'));
  expect(html.indexOf("home-actions")).toBeLessThan(html.indexOf('class="tiles"'));
  expect(text(block)).toMatch(
    /Panier à régler avant le \d\d\/\d\d\/\d{4} \d\d:\d\d \(1 jour\), sinon les réservations sont annulées\. Payer mon panier/,
  );
  expect(block).toContain('href="/panier"');
  expect(text(block)).toContain("Document refusé : « ");
  expect(text(block)).toContain("(motif : Document illisible). Déposer un nouveau document");
  expect(block).toContain('href="/documents"');
  expect(text(block)).toMatch(/Votre demande « [^»]+ » a été acceptée le/);
  expect(block).toContain('href="/demandes"');
});

it("shows the requests decided since the parent's previous visit, whatever their age, for the whole visit", async () => {
  const tenant = await townOf(p, "senneceylesdijon");
  const identifier = "parent1.mairie@senneceylesdijon.test";
  const user = await p.owner
    .selectFrom("users")
    .select(["id", "household_id"])
    .where("tenant_id", "=", tenant.id)
    .where("email", "=", identifier)
    .executeTakeFirstOrThrow();
  const household = user.household_id as string;
  const day = 86_400_000;
  const decided = (section: string, at: Date) =>
    p.owner
      .insertInto("change_requests")
      .values({
        tenant_id: tenant.id,
        household_id: household,
        section,
        current_values: "{}",
        proposed_values: "{}",
        status: "accepted",
        created_by: user.id,
        decided_at: at,
      })
      .execute();
  const visit = async () => {
    const parent = client(p.app, "senneceylesdijon.localhost:3000");
    expect((await parent.login(identifier, DEMO_PASSWORD)).status).toBe(303);
    return parent;
  };
  const shown = async (parent: ReturnType<typeof client>) => {
    const html = await (await parent.get("/")).text();
    return ["responsable", "fiscal", "conjoint"].filter((s) =>
      text(html).includes(`Votre demande « ${sectionLabel(s)} » a été acceptée`),
    );
  };
  const now = Date.now();

  // The previous visit was three weeks ago; one decision came before it, one two days after.
  p.setNow(new Date(now - 21 * day));
  await decided("responsable", new Date(now - 30 * day));
  const before = await visit();
  expect(await shown(before)).toEqual([]);
  await decided("fiscal", new Date(now - 19 * day));
  p.setNow(null);
  await decided("conjoint", new Date(now - day));

  const next = await visit();
  expect(await shown(next)).toEqual(["fiscal", "conjoint"]);
  // Reloading within the same visit keeps them.
  expect(await shown(next)).toEqual(["fiscal", "conjoint"]);

  // The visit after: both were shown already, recent or not.
  const later = await visit();
  expect(await shown(later)).toEqual([]);
});
