import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
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
