import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import type { TestPlatform } from "../helpers/platform.ts";

export const SENNECEY = "senneceylesdijon.localhost:3000";
export const SENE = "sene.localhost:3000";

/** Files as a parent would pick them: real formats, and the traps of issue 3. */
export const FILES = {
  pdf: readFileSync(
    new URL("../../tenants/forms/senneceylesdijon/fiche-sanitaire-de-liaison.pdf", import.meta.url),
  ),
  png: Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    "base64",
  ),
  /** A real 2×2 JPEG: uploaded images are decoded (their metadata is dropped), so they must be images. */
  jpg: Buffer.from(
    "/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAACAAIDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAf/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABgf/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCTADC6v//Z",
    "base64",
  ),
  gif: Buffer.from("R0lGODlhAQABAIAAAExpccwAACH5BAUAAAAALAAAAAABAAEAAAICTAEAOw==", "base64"),
  /** A Windows executable: "MZ" then its header, whatever the name says. */
  exe: Buffer.concat([Buffer.from("MZ"), Buffer.alloc(510, 0x90)]),
  text: Buffer.from("Ceci est un simple texte, pas un document scanné."),
};

export type Client = ReturnType<typeof client>;

export async function loggedIn(p: TestPlatform, host: string, identifier: string, ip: string, base = "") {
  const c = client(p.app, host, { ip });
  const res = await c.login(identifier, DEMO_PASSWORD, base);
  expect(res.status).toBe(303);
  return c;
}

/** A multipart POST as the browser sends it, with the client's cookies and origin. */
export function upload(
  p: TestPlatform,
  c: Client,
  host: string,
  path: string,
  fields: Record<string, string>,
  file?: { name: string; bytes: Buffer; type?: string },
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append("file", new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "" }), file.name);
  return p.app.request(`http://127.0.0.1${path}`, {
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

export function tenantId(p: TestPlatform, slug: string): string {
  return p.tenants.get(slug) as string;
}

/** Every document of a town, as the owner sees them (assertions only). */
export function documentsOf(p: TestPlatform, slug: string) {
  return p.owner
    .selectFrom("documents")
    .select([
      "id",
      "household_id",
      "child_id",
      "type",
      "filename",
      "mime",
      "size",
      "sha256",
      "state",
      "reason",
    ])
    .where("tenant_id", "=", tenantId(p, slug))
    .orderBy("created_at")
    .execute();
}

export async function childOf(p: TestPlatform, slug: string, firstName: string) {
  return p.owner
    .selectFrom("children")
    .select(["id", "household_id"])
    .where("tenant_id", "=", tenantId(p, slug))
    .where("first_name", "=", firstName)
    .executeTakeFirstOrThrow();
}

/** The text of the error tied to a field, by its id. */
export function fieldError(html: string, id: string): string | undefined {
  return html.match(new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`))?.[1];
}

/** A child added to a household by its N° Famille, as staff would (owner: test set-up only). */
export async function addChild(p: TestPlatform, slug: string, number: string): Promise<string> {
  const household = await p.owner
    .selectFrom("households")
    .select("id")
    .where("tenant_id", "=", tenantId(p, slug))
    .where("number", "=", number)
    .executeTakeFirstOrThrow();
  const row = await p.owner
    .insertInto("children")
    .values({
      tenant_id: tenantId(p, slug),
      household_id: household.id,
      first_name: "Lucas",
      last_name: "AUTRE",
      birth_date: "2018-03-04",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
