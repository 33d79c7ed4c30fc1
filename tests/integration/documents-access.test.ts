import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import {
  type Client,
  documentsOf,
  FILES,
  loggedIn,
  SENE,
  SENNECEY,
  tenantId,
  upload,
} from "./documents-fixtures.ts";

// Downloads: always an attachment, never sniffed or cached; another household's or town's id is 404.

const PLOMBIERES = "plombieres.localhost:3000";
let p: TestPlatform;
let sennecey: Client;
let sene: Client;
let dupont: Client;
let own: string;
let martins: string;
beforeAll(async () => {
  p = await createTestPlatform();
  sennecey = await loggedIn(p, SENNECEY, "parent1.mairie@senneceylesdijon.test", "10.32.0.1");
  sene = await loggedIn(p, SENE, "lola.test@sene.test", "10.32.0.2");
  dupont = await loggedIn(p, PLOMBIERES, "jdupont", "10.32.0.3");
  const res = await upload(
    p,
    sennecey,
    SENNECEY,
    "/documents/depot/foyer",
    { type: "avis_imposition" },
    {
      name: "Avis d'impôt «2026» été.pdf",
      bytes: FILES.pdf,
    },
  );
  expect(res.status).toBe(303);
  own = (await documentsOf(p, "senneceylesdijon"))[0]?.id as string;
  martins = await documentOfMartin();
});
afterAll(async () => {
  await p?.close();
});

/** A document of Mme MARTIN's household (Plombières), put there directly (set-up only). */
async function documentOfMartin() {
  const tenant = tenantId(p, "plombieres");
  const martin = await p.owner
    .selectFrom("users")
    .select(["id", "household_id"])
    .where("tenant_id", "=", tenant)
    .where("login", "=", "smartin")
    .executeTakeFirstOrThrow();
  const row = await p.owner
    .insertInto("documents")
    .values({
      tenant_id: tenant,
      household_id: martin.household_id as string,
      type: "attestation_qf",
      filename: "martin.pdf",
      mime: "application/pdf",
      size: FILES.pdf.length,
      sha256: "0".repeat(64),
      content: FILES.pdf,
      uploaded_by: martin.id,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

describe("downloading one's own document", () => {
  it("sends the stored bytes as an attachment named per RFC 5987, nosniff, no-store", async () => {
    const res = await sennecey.get(`/documents/${own}/fichier`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="Avis d'impot _2026_ ete.pdf"; filename*=UTF-8''Avis%20d%27imp%C3%B4t%20%C2%AB2026%C2%BB%20%C3%A9t%C3%A9.pdf`,
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(Buffer.from(await res.arrayBuffer()).equals(FILES.pdf)).toBe(true);
  });

  it("downloads the town's blank forms, and only those it lists", async () => {
    const res = await sennecey.get("/documents/formulaires/fiche-sanitaire-de-liaison.pdf");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain(
      'attachment; filename="fiche-sanitaire-de-liaison.pdf"',
    );
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    // Plombières publishes its rules; Sennecey does not, and no path leaves the town's folder.
    expect((await dupont.get("/documents/formulaires/reglement-interieur.pdf")).status).toBe(200);
    for (const name of ["reglement-interieur.pdf", "..%2Fsene.yaml", "..%2F..%2Fpackage.json"])
      expect((await sennecey.get(`/documents/formulaires/${name}`)).status).toBe(404);
  });

  it("shows a document past its validity date as « Expiré »", async () => {
    await p.owner.updateTable("documents").set({ valid_until: "2020-01-31" }).where("id", "=", own).execute();
    const html = await (await sennecey.get("/documents")).text();
    expect(html).toContain("<strong>Expiré</strong>");
    expect(html).toContain("validité dépassée depuis le 31/01/2020");
  });
});

describe("someone else's document is not found", () => {
  it("another household of the same town: 404, and its row stays invisible", async () => {
    expect((await dupont.get(`/documents/${martins}/fichier`)).status).toBe(404);
    expect(await (await dupont.get("/documents")).text()).not.toContain("martin.pdf");
  });

  it("another town: 404 for the parent, and for that town's staff actions", async () => {
    expect((await sene.get(`/documents/${own}/fichier`)).status).toBe(404);
    const staff = await loggedIn(p, SENE, "agent@sene.test", "10.32.0.4", "/agents");
    expect((await staff.get(`/agents/documents/${own}/fichier`)).status).toBe(404);
    expect((await staff.post(`/agents/documents/${own}/valider`)).status).toBe(404);
    expect((await staff.post(`/agents/documents/${own}/refuser`, { reason: "Illisible" })).status).toBe(404);
    expect((await staff.post(`/agents/documents/${own}/refuser`, { reason: "" })).status).toBe(404);
    const [doc] = await documentsOf(p, "senneceylesdijon");
    expect(doc?.state).toBe("deposited");
  });

  it("a non-UUID id is simply not found; signed out, the pages ask to log in", async () => {
    expect((await sennecey.get("/documents/1/fichier")).status).toBe(404);
    const anonymous = client(p.app, SENNECEY);
    expect((await anonymous.get(`/documents/${own}/fichier`)).status).toBe(303);
    expect((await anonymous.get("/documents")).status).toBe(303);
  });

  it("a parent cannot reach the staff's list nor decide", async () => {
    expect((await sennecey.get("/agents/documents")).status).not.toBe(200);
    expect((await sennecey.post(`/agents/documents/${own}/valider`)).status).not.toBe(303);
    const [doc] = await documentsOf(p, "senneceylesdijon");
    expect(doc?.state).toBe("deposited");
  });
});
