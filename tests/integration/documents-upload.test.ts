import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import {
  addChild,
  type Client,
  childOf,
  documentsOf,
  FILES,
  fieldError,
  loggedIn,
  SENE,
  SENNECEY,
  upload,
} from "./documents-fixtures.ts";

// « Mes documents » (issue 3, item 4): uploads checked by their content, per town rules.

let p: TestPlatform;
let sennecey: Client;
let sene: Client;
beforeAll(async () => {
  p = await createTestPlatform();
  sennecey = await loggedIn(p, SENNECEY, "parent1.mairie@senneceylesdijon.test", "10.31.0.1");
  sene = await loggedIn(p, SENE, "lola.test@sene.test", "10.31.0.2");
});
afterAll(async () => {
  await p?.close();
});

const household = (
  c: Client,
  host: string,
  fields: Record<string, string>,
  file?: Parameters<typeof upload>[5],
) => upload(p, c, host, "/documents/depot/foyer", fields, file);
const child = (fields: Record<string, string>, file?: Parameters<typeof upload>[5]) =>
  upload(p, sene, SENE, "/documents/depot/enfant", fields, file);

describe("the « Mes documents » page", () => {
  it("tells the town's formats and size before a file is chosen, with the town's types", async () => {
    const html = await (await sennecey.get("/documents")).text();
    expect(html).toContain("<h1>Mes documents</h1>");
    expect(html).toContain(
      "Formats acceptés : PDF, JPG, JPEG, GIF, PNG. Taille maximale : 2 Mo par fichier.",
    );
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('accept=".pdf,.jpg,.jpeg,.gif,.png"');
    for (const label of ["Attestation QF CAF ou MSA", "Avis d&#39;imposition", "Documents juridiques divers"])
      expect(html).toContain(label);
    expect(html).toContain('href="/documents/formulaires/fiche-sanitaire-de-liaison.pdf"');
    const seneHtml = await (await sene.get("/documents")).text();
    expect(seneHtml).toContain("Taille maximale : 5 Mo par fichier.");
    expect(seneHtml).toContain("<h3>Paul TEST</h3>");
    for (const label of ["Justificatif d&#39;absence", "Brevet de natation", "Autorisation parentale"])
      expect(seneHtml).toContain(label);
  });
});

describe("good uploads", () => {
  it("stores a PDF for the household, with its detected type, size and hash, as « Déposé »", async () => {
    const res = await household(
      sennecey,
      SENNECEY,
      { type: "attestation_qf" },
      { name: "attestation CAF.pdf", bytes: FILES.pdf },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/documents?message=document-depose");
    const [doc] = await documentsOf(p, "senneceylesdijon");
    expect(doc).toMatchObject({
      type: "attestation_qf",
      child_id: null,
      filename: "attestation CAF.pdf",
      mime: "application/pdf",
      size: FILES.pdf.length,
      state: "deposited",
      reason: null,
    });
    expect(doc?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const html = await (await sennecey.get("/documents?message=document-depose")).text();
    expect(html).toContain("Votre document a été déposé.");
    expect(html).toMatch(
      /attestation CAF\.pdf<\/a><\/td>[\s\S]*?<strong>Déposé<\/strong>[\s\S]*?valable jusqu'au \d\d\/\d\d\/\d{4}/,
    );
  });

  it("stores a PNG and a JPEG for a child, the name's extension made to tell the real format", async () => {
    const paul = await childOf(p, "sene", "Paul");
    expect(
      (await child({ type: "brevet_natation", child_id: paul.id }, { name: "brevet.png", bytes: FILES.png }))
        .status,
    ).toBe(303);
    expect(
      (await child({ type: "justificatif_absence", child_id: paul.id }, { name: "scan", bytes: FILES.jpg }))
        .status,
    ).toBe(303);
    const docs = await documentsOf(p, "sene");
    expect(docs.map((d) => [d.child_id, d.filename, d.mime])).toEqual([
      [paul.id, "brevet.png", "image/png"],
      [paul.id, "scan.jpg", "image/jpeg"],
    ]);
    const html = await (await sene.get("/documents")).text();
    expect(html.split("<h3>Paul TEST</h3>")[1]).toContain("brevet.png");
  });
});

describe("uploaded images lose their metadata (issue 16, item 8)", () => {
  it("a photo's EXIF (place, description) is not stored; the image is", async () => {
    const paul = await childOf(p, "sene", "Paul");
    const located = await sharp({ create: { width: 8, height: 6, channels: 3, background: "#2a6" } })
      .jpeg()
      .withExif({ IFD0: { ImageDescription: "Maison 47.61N 2.73W", Copyright: "Famille TEST" } })
      .toBuffer();
    expect(located.includes("Maison 47.61N")).toBe(true);
    const res = await child(
      { type: "brevet_natation", child_id: paul.id },
      { name: "gps.jpg", bytes: located },
    );
    expect(res.status).toBe(303);
    const stored = await p.owner
      .selectFrom("documents")
      .select(["content", "size", "mime"])
      .where("filename", "=", "gps.jpg")
      .executeTakeFirstOrThrow();
    expect(stored.mime).toBe("image/jpeg");
    expect(stored.content.includes("Maison 47.61N")).toBe(false);
    const meta = await sharp(stored.content).metadata();
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([8, 6]);
    expect(stored.size).toBe(stored.content.length);
  });
});

describe("bad uploads: 422, the message at the field, nothing saved, the other fields kept", () => {
  const cases: { name: string; file?: { name: string; bytes: Buffer }; message: RegExp }[] = [
    {
      name: "a renamed .exe",
      file: { name: "attestation.pdf", bytes: FILES.exe },
      message: /n&#39;est pas dans un format accepté \(PDF, JPG, JPEG, PNG\), quel que soit son nom/,
    },
    {
      name: "plain text",
      file: { name: "note.pdf", bytes: FILES.text },
      message: /n&#39;est pas dans un format accepté/,
    },
    {
      name: "an empty file",
      file: { name: "vide.pdf", bytes: Buffer.alloc(0) },
      message: /^Le fichier est vide\.$/,
    },
    { name: "no file", message: /^Choisissez un fichier\.$/ },
    {
      name: "a file over the town's limit",
      file: { name: "gros.pdf", bytes: Buffer.concat([FILES.pdf, Buffer.alloc(5 * 1024 * 1024)]) },
      message: /^Le fichier dépasse la taille maximale de 5 Mo\.$/,
    },
  ];
  it.each(cases)("refuses $name", async ({ file, message }) => {
    const paul = await childOf(p, "sene", "Paul");
    const before = (await documentsOf(p, "sene")).length;
    const res = await child({ type: "brevet_natation", child_id: paul.id }, file);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(fieldError(html, "child-file")).toMatch(message);
    expect(html).toContain('aria-describedby="child-file-hint child-file-error"');
    expect(html).toContain('<option value="brevet_natation" selected>');
    expect(html).toContain(`<option value="${paul.id}" selected>`);
    expect((await documentsOf(p, "sene")).length).toBe(before);
  });

  it("refuses a GIF where the town does not take GIF, and takes it where it does", async () => {
    const gif = { name: "photo.gif", bytes: FILES.gif };
    const res = await household(sene, SENE, { type: "avis_imposition" }, gif);
    expect(res.status).toBe(422);
    expect(fieldError(await res.text(), "household-file")).toContain("format accepté (PDF, JPG, JPEG, PNG)");
    expect((await household(sennecey, SENNECEY, { type: "documents_juridiques" }, gif)).status).toBe(303);
  });

  it("requires a type of the form's scope, and a child of the household", async () => {
    const before = (await documentsOf(p, "sene")).length;
    const pdf = { name: "a.pdf", bytes: FILES.pdf };
    const noType = await child({ type: "", child_id: (await childOf(p, "sene", "Paul")).id }, pdf);
    expect(noType.status).toBe(422);
    expect(fieldError(await noType.text(), "child-type")).toBe("Choisissez le type de document.");
    // A household type through the child form is not one of its types.
    const wrongScope = await household(sene, SENE, { type: "brevet_natation" }, pdf);
    expect(fieldError(await wrongScope.text(), "household-type")).toBe("Choisissez le type de document.");
    const noChild = await child({ type: "brevet_natation", child_id: "" }, pdf);
    expect(fieldError(await noChild.text(), "child-child_id")).toBe("Choisissez l&#39;enfant concerné.");
    // Another town's child is not this household's.
    const other = await child(
      { type: "brevet_natation", child_id: await addChild(p, "plombieres", "1001001818331") },
      pdf,
    );
    expect(other.status).toBe(422);
    expect(fieldError(await other.text(), "child-child_id")).toBe("Choisissez l&#39;enfant concerné.");
    expect((await documentsOf(p, "sene")).length).toBe(before);
  });

  it("answers a body far over the town's limit with 413 and the message at the file field", async () => {
    const before = (await documentsOf(p, "senneceylesdijon")).length;
    const huge = { name: "enorme.pdf", bytes: Buffer.concat([FILES.pdf, Buffer.alloc(3 * 1024 * 1024)]) };
    const res = await household(sennecey, SENNECEY, { type: "attestation_qf" }, huge);
    expect(res.status).toBe(413);
    expect(fieldError(await res.text(), "household-file")).toBe(
      "Le fichier dépasse la taille maximale de 2 Mo.",
    );
    expect((await documentsOf(p, "senneceylesdijon")).length).toBe(before);
  });

  it("audits each upload with its fields, never the content", async () => {
    const rows = await p.owner
      .selectFrom("audit_log")
      .select(["action", "entity", "fields", "actor_kind"])
      .where("entity", "=", "documents")
      .execute();
    expect(rows.length).toBe(
      (await documentsOf(p, "sene")).length + (await documentsOf(p, "senneceylesdijon")).length,
    );
    for (const r of rows)
      expect(r).toMatchObject({
        action: "create",
        actor_kind: "parent",
        fields: ["type", "child_id", "filename"],
      });
  });
});
