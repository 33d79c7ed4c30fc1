import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { FILES } from "./documents-fixtures.ts";

// Documents sent with « Nouvelle inscription » and « Nouvelle inscription scolaire » (issue 15):
// checked like any upload of « Mes documents », refused types told at their field, stored with
// the request in one transaction; staff see the school request's documents.

const HOST = "plombieres.localhost:3000";
let p: TestPlatform;
let parent: ReturnType<typeof client>;
let staff: ReturnType<typeof client>;
let lucas: string;
let period: string;

const town = () => p.tenants.get("plombieres") as string;
const documents = () =>
  p.owner
    .selectFrom("documents")
    .select(["type", "child_id", "filename", "state"])
    .where("tenant_id", "=", town())
    .where("type", "in", ["autorisation_parentale", "documents_juridiques"])
    .execute();

/** A multipart form post as the browser sends it, files under their own field names. */
function send(
  c: ReturnType<typeof client>,
  path: string,
  fields: [string, string][],
  files: Record<string, Buffer>,
) {
  const form = new FormData();
  for (const [k, v] of fields) form.append(k, v);
  for (const [k, bytes] of Object.entries(files))
    form.append(k, new Blob([new Uint8Array(bytes)]), k.endsWith("exe") ? "pai.pdf" : "piece.pdf");
  return p.app.request(`http://127.0.0.1${path}`, {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: {
      Host: HOST,
      Origin: `http://${HOST}`,
      Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    },
  });
}

beforeAll(async () => {
  p = await createTestPlatform();
  lucas = (
    await p.owner
      .selectFrom("children")
      .select("id")
      .where("first_name", "=", "Lucas")
      .executeTakeFirstOrThrow()
  ).id;
  period = (
    await p.owner
      .selectFrom("periods")
      .select("id")
      .where("tenant_id", "=", town())
      .where("key", "=", "restauration-2026-2027")
      .executeTakeFirstOrThrow()
  ).id;
  await p.owner
    .deleteFrom("enrolments")
    .where("child_id", "=", lucas)
    .where("period_id", "=", period)
    .execute();
  await p.owner
    .updateTable("services")
    .set({ rules: sql`rules || '{"enrolmentDocuments": ["autorisation_parentale"]}'::jsonb` })
    .where("key", "=", "restauration")
    .where("tenant_id", "=", town())
    .execute();
  parent = client(p.app, HOST, { ip: "192.0.2.41" });
  expect((await parent.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
  staff = client(p.app, HOST, { ip: "192.0.2.42" });
  expect((await staff.login("admin@plombieres.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
  p.setNow(new Date("2026-08-20T08:00:00Z"));
}, 120_000);
afterAll(async () => {
  p?.setNow(null);
  await p?.close();
});

const canteen: [string, string][] = [
  ["mode", "a_la_carte"],
  ["debut", ""],
];

describe("documents joined to « Nouvelle inscription »", () => {
  it("offers a file field for each document the services ask for", async () => {
    const html = await (await parent.get("/inscriptions/nouvelle")).text();
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('<label for="f-piece_autorisation_parentale">Autorisation parentale</label>');
    expect(html).toContain("Demandé pour : Restauration scolaire.");
  });

  it("refuses a file whose content is not an accepted format, at its field, saving nothing", async () => {
    const fields: [string, string][] = [["enfant", lucas], ["periode", period], ...canteen];
    const res = await send(parent, "/inscriptions/nouvelle", fields, {
      piece_autorisation_parentale: FILES.exe,
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(
      'aria-describedby="f-piece_autorisation_parentale-hint f-piece_autorisation_parentale-error"',
    );
    expect(html).toContain("n&#39;est pas dans un format accepté");
    const none = await send(parent, "/inscriptions/nouvelle", fields, {});
    expect(none.status).toBe(422);
    expect(await none.text()).toContain(
      "Joignez ce document : le service le demande (Autorisation parentale).",
    );
    expect(await documents()).toEqual([]);
    expect(
      await p.owner
        .selectFrom("enrolments")
        .select("id")
        .where("child_id", "=", lucas)
        .where("period_id", "=", period)
        .execute(),
    ).toEqual([]);
  });

  it("stores the document for the child with the request, then staff see nothing missing", async () => {
    const fields: [string, string][] = [["enfant", lucas], ["periode", period], ...canteen];
    const res = await send(parent, "/inscriptions/nouvelle", fields, {
      piece_autorisation_parentale: FILES.pdf,
    });
    expect(res.status).toBe(303);
    expect(await documents()).toEqual([
      { type: "autorisation_parentale", child_id: lucas, filename: "piece.pdf", state: "deposited" },
    ]);
    const queue = await (await staff.get("/agents/inscriptions")).text();
    expect(queue).toContain("Lucas DUPONT");
    const [doc] = await p.owner
      .selectFrom("documents")
      .select("id")
      .where("type", "=", "autorisation_parentale")
      .execute();
    expect(queue).toContain(
      `<a href="/agents/documents/${doc?.id}/fichier" download hx-boost="false">Autorisation parentale</a> (déposé)`,
    );
    expect(queue).not.toContain("Manquant : Autorisation parentale");
  });
});

describe("documents of « Nouvelle inscription scolaire »", () => {
  const request: [string, string][] = [
    ["annee", "2026-2027"],
    ["niveau", "CM2"],
    ["derogation", "oui"],
    ["ecole", "École des Tilleuls"],
    ["motif", "Assistante maternelle"],
  ];

  it("asks for the pieces staff require, and refuses the request without them", async () => {
    const map = new FormData();
    map.set("fichier", new File(["rue;école\nPlace de la Mairie;École des Tilleuls\n"], "carte.csv"));
    const cookie = [...staff.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const imported = await p.app.request("http://127.0.0.1/agents/inscriptions-scolaires/carte", {
      method: "POST",
      headers: { Host: HOST, Cookie: cookie, Origin: `http://${HOST}` },
      body: map,
    });
    expect(imported.status).toBe(303);
    const chosen = await staff.post("/agents/inscriptions-scolaires/pieces", [
      ["pieces", "documents_juridiques"],
    ]);
    expect(chosen.status).toBe(303);
    const form = await (await parent.get("/inscriptions/scolaire")).text();
    expect(form).toContain("<legend>Pièces à fournir</legend>");
    expect(form).toContain('<label for="f-piece_documents_juridiques">Documents juridiques divers</label>');
    const res = await send(parent, "/inscriptions/scolaire", [["enfant", lucas], ...request], {});
    expect(res.status).toBe(422);
    expect(await res.text()).toContain(
      "Joignez ce document : la commune le demande (Documents juridiques divers).",
    );
    expect(await p.owner.selectFrom("school_requests").select("id").execute()).toEqual([]);
  });

  it("stores the piece with the request; staff see it with a link to the file", async () => {
    const res = await send(parent, "/inscriptions/scolaire", [["enfant", lucas], ...request], {
      piece_documents_juridiques: FILES.pdf,
    });
    expect(res.status).toBe(303);
    const [doc] = await p.owner
      .selectFrom("documents")
      .select(["id", "child_id"])
      .where("type", "=", "documents_juridiques")
      .execute();
    expect(doc?.child_id).toBeNull();
    const html = await (await staff.get("/agents/inscriptions-scolaires")).text();
    expect(html).toContain(
      `<a href="/agents/documents/${doc?.id}/fichier" download hx-boost="false">Documents juridiques divers</a> (déposé)`,
    );
    expect(html).not.toContain("Manquant : Documents juridiques divers");
  });
});
