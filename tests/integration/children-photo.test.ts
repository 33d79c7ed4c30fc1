import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { type Client, childOf, fieldError, loggedIn, SENE } from "./documents-fixtures.ts";

// « Photo de l'enfant »: checked from its content, resized to at most 600×600 JPEG without
// EXIF, a direct write audited without its content, and out of reach of other households.

const PLOMBIERES = "plombieres.localhost:3000";
let p: TestPlatform;
let lola: Client;
let jean: Client;
let paul = "";
let lucas = "";

const image = (width: number, height: number, format: "jpeg" | "png") =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 90, b: 40 } } })
    [format]()
    .toBuffer();

const stored = async (id: string) =>
  p.owner
    .selectFrom("children")
    .select(["photo", "photo_type"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();

const requestsFor = (id: string) =>
  p.owner.selectFrom("change_requests").select("id").where("target_id", "=", id).execute();

/** The photo form's multipart POST, as the browser sends it (field « photo »). */
function sendPhoto(c: Client, host: string, id: string, name: string, bytes: Buffer, type = "image/jpeg") {
  const form = new FormData();
  form.append("photo", new Blob([new Uint8Array(bytes)], { type }), name);
  return p.app.request(`http://127.0.0.1/enfants/${id}/photo`, {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: {
      Host: host,
      Origin: `http://${host}`,
      Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    },
  });
}

beforeAll(async () => {
  p = await createTestPlatform();
  lola = await loggedIn(p, SENE, "lola.test@sene.test", "203.0.113.71");
  jean = await loggedIn(p, PLOMBIERES, "jdupont", "203.0.113.72");
  paul = (await childOf(p, "sene", "Paul")).id;
  lucas = (await childOf(p, "plombieres", "Lucas")).id;
});
afterAll(async () => {
  await p?.close();
});

describe("the child's photo", () => {
  it("the page offers the upload form, and no photo is served before one is sent", async () => {
    const html = await (await lola.get(`/enfants/${paul}`)).text();
    expect(html).toContain("Photo de l'enfant");
    expect(html).toContain(`action="/enfants/${paul}/photo" enctype="multipart/form-data"`);
    expect(html).not.toContain("Supprimer la photo");
    expect((await lola.get(`/enfants/${paul}/photo`)).status).toBe(404);
  });

  it("refuses a renamed text file, an empty file and a file over 5 Mo: 422 at the field, nothing saved", async () => {
    const cases = [
      {
        name: "photo.jpg",
        bytes: Buffer.from("Ceci n'est pas une image."),
        error: /pas une image JPEG, PNG ou WebP/,
      },
      { name: "vide.jpg", bytes: Buffer.alloc(0), error: /Le fichier est vide/ },
      {
        name: "grande.jpg",
        bytes: Buffer.concat([await image(10, 10, "jpeg"), Buffer.alloc(5 * 1024 * 1024)]),
        error: /taille maximale de 5 Mo/,
      },
    ];
    for (const k of cases) {
      const res = await sendPhoto(lola, SENE, paul, k.name, k.bytes);
      expect(res.status, k.name).toBe(422);
      const html = await res.text();
      expect(fieldError(html, "f-photo"), k.name).toMatch(k.error);
      expect(html).toContain('aria-describedby="f-photo-hint f-photo-error"');
    }
    const huge = Buffer.alloc(6 * 1024 * 1024, 0xff);
    const res = await sendPhoto(lola, SENE, paul, "enorme.jpg", huge);
    expect(res.status).toBe(413);
    expect(fieldError(await res.text(), "f-photo")).toMatch(/taille maximale de 5 Mo/);
    expect((await stored(paul)).photo).toBeNull();
  });

  it("stores a JPEG resized to at most 600 px, without EXIF, and audits the field only", async () => {
    const big = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: "#3366aa" } })
      .jpeg()
      .withExif({ IFD0: { Copyright: "secret-exif-marker" } })
      .toBuffer();
    const res = await sendPhoto(lola, SENE, paul, "vacances.jpg", big);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/enfants/${paul}?resultat=applied#photo`);
    const row = await stored(paul);
    expect(row.photo_type).toBe("image/jpeg");
    const meta = await sharp(row.photo as Buffer).metadata();
    expect(meta).toMatchObject({ format: "jpeg", width: 600, height: 450 });
    expect(meta.exif).toBeUndefined();
    expect((row.photo as Buffer).includes("secret-exif-marker")).toBe(false);

    const audit = await p.owner
      .selectFrom("audit_log")
      .selectAll()
      .where("entity", "=", "children")
      .where("entity_id", "=", paul)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "update", actor_kind: "parent", fields: ["photo"] });
    expect(JSON.stringify(audit)).not.toMatch(/base64|\/9j\//);
    expect(await requestsFor(paul)).toHaveLength(0);
  });

  it("serves the photo as a JPEG never cached nor sniffed, shown on the page and in the « Fiche enfant »", async () => {
    const res = await lola.get(`/enfants/${paul}/photo`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).format).toBe("jpeg");
    const html = await (await lola.get(`/enfants/${paul}`)).text();
    expect(html).toContain(`src="/enfants/${paul}/photo" alt="Photo de Paul"`);
    expect(html).toContain("Supprimer la photo");
    const pdf = Buffer.from(await (await lola.get(`/enfants/${paul}/fiche`)).arrayBuffer());
    expect(pdf.includes("/DCTDecode")).toBe(true);
  });

  it("stores a PNG as a JPEG, directly even where changes need the town's approval", async () => {
    const res = await sendPhoto(
      jean,
      PLOMBIERES,
      lucas,
      "lucas.png",
      await image(300, 900, "png"),
      "image/png",
    );
    expect(res.status).toBe(303);
    const meta = await sharp((await stored(lucas)).photo as Buffer).metadata();
    expect(meta).toMatchObject({ format: "jpeg", width: 200, height: 600 });
    expect(await requestsFor(lucas)).toHaveLength(0);
  });

  it("answers 404 for a child of another household or town, and changes nothing", async () => {
    const png = await image(20, 20, "png");
    for (const [c, host, id] of [
      [jean, PLOMBIERES, paul],
      [lola, SENE, lucas],
    ] as const) {
      expect((await c.get(`/enfants/${id}/photo`)).status).toBe(404);
      expect((await sendPhoto(c, host, id, "x.png", png, "image/png")).status).toBe(404);
      expect((await c.post(`/enfants/${id}/photo/supprimer`)).status).toBe(404);
    }
    expect((await stored(paul)).photo).not.toBeNull();
    expect((await stored(lucas)).photo).not.toBeNull();
  });

  it("« Supprimer la photo » removes it, audited", async () => {
    const res = await lola.post(`/enfants/${paul}/photo/supprimer`);
    expect(res.status).toBe(303);
    expect(await stored(paul)).toEqual({ photo: null, photo_type: null });
    expect((await lola.get(`/enfants/${paul}/photo`)).status).toBe(404);
    const audit = await p.owner
      .selectFrom("audit_log")
      .select(["action", "fields"])
      .where("entity_id", "=", paul)
      .where("action", "=", "delete")
      .execute();
    expect(audit).toEqual([{ action: "delete", fields: ["photo"] }]);
  });
});
