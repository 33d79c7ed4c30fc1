import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import type { Client } from "./documents-fixtures.ts";
import { agent, dupont, FILES, PLOMBIERES } from "./messages-fixtures.ts";

// « Actualités », information pages and « Formulaires » written by staff (issue 14, items 4, 7 and 8).

let p: TestPlatform;
let jean: Client;
let staff: Client;
beforeAll(async () => {
  p = await createTestPlatform();
  jean = await dupont(p, "10.42.0.1");
  staff = await agent(p, "10.42.0.9");
});
afterAll(async () => {
  await p?.close();
});

function post(
  c: Client,
  path: string,
  fields: Record<string, string>,
  file?: { field: string; name: string; bytes: Buffer },
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append(file.field, new Blob([new Uint8Array(file.bytes)]), file.name);
  return p.app.request(`http://127.0.0.1${path}`, {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: {
      Host: PLOMBIERES,
      Origin: `http://${PLOMBIERES}`,
      Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    },
  });
}

const news = (over: Record<string, string>) => ({
  title: "Fête de l'école",
  body: "Rendez-vous **samedi** !\n\n<script>alert(1)</script>",
  audience: "public",
  publish_from: "2026-01-01",
  publish_until: "",
  ...over,
});

describe("« Actualités »", () => {
  it("shows a public one on the signed-out page, formatted and sanitised, with its image", async () => {
    const res = await post(staff, "/agents/actualites", news({}), {
      field: "image",
      name: "affiche.png",
      bytes: FILES.png,
    });
    expect(res.status).toBe(303);
    const html = await (await client(p.app, PLOMBIERES).get("/")).text();
    expect(html).toContain("<h3>Fête de l&#39;école</h3>");
    expect(html).toContain("Rendez-vous <strong>samedi</strong> !");
    expect(html).not.toContain("<script>alert(1)");
    const src = html.match(/src="(\/actualites\/[0-9a-f-]{36}\/image)"/)?.[1] as string;
    const img = await client(p.app, PLOMBIERES).get(src);
    expect(img.headers.get("content-type")).toBe("image/png");
  });

  it("keeps « parents only » news off the public page, shows it on the parent home, hides it after its end", async () => {
    await post(staff, "/agents/actualites", news({ title: "Réunion des parents", audience: "parents" }));
    await post(
      staff,
      "/agents/actualites",
      news({ title: "Ancienne", publish_from: "2025-01-01", publish_until: "2025-02-01" }),
    );
    const pub = await (await client(p.app, PLOMBIERES).get("/")).text();
    expect(pub).not.toContain("Réunion des parents");
    expect(pub).not.toContain("Ancienne");
    const home = await (await jean.get("/")).text();
    expect(home).toContain("Réunion des parents");
    expect(home).not.toContain("Ancienne");
  });

  it("refuses an image that is not one, and an end before the start, keeping what was typed", async () => {
    const res = await post(
      staff,
      "/agents/actualites",
      news({ title: "Mauvaise", publish_until: "2025-12-31" }),
      {
        field: "image",
        name: "x.png",
        bytes: FILES.exe,
      },
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("La fin de publication doit suivre son début.");
    expect(html).toContain('id="f-image-error"');
    expect(html).toContain('value="Mauvaise"');
  });

  it("lets staff end a news item: it leaves the public page", async () => {
    const row = await p.owner
      .selectFrom("news")
      .select("id")
      .where("title", "=", "Fête de l'école")
      .executeTakeFirstOrThrow();
    const res = await post(staff, `/agents/actualites/${row.id}`, news({ publish_until: "2026-01-02" }));
    expect(res.status).toBe(303);
    expect(await (await client(p.app, PLOMBIERES).get("/")).text()).not.toContain("Fête de l&#39;école");
  });
});

describe("« Infos / Documents »", () => {
  it("offers the town's pages and its « Formulaires », uploaded by staff and checked by content", async () => {
    expect(
      (await post(staff, "/agents/infos", { title: "Horaires", body: "Ouvert de *8 h* à 18 h." })).status,
    ).toBe(303);
    const bad = await post(
      staff,
      "/agents/formulaires",
      { label: "Menu", category: "Menus" },
      { field: "file", name: "menu.pdf", bytes: FILES.exe },
    );
    expect(bad.status).toBe(422);
    const ok = await post(
      staff,
      "/agents/formulaires",
      { label: "Menu de mars", category: "Menus", valid_until: "" },
      { field: "file", name: "menu.pdf", bytes: FILES.pdf },
    );
    expect(ok.status).toBe(303);
    await post(
      staff,
      "/agents/formulaires",
      { label: "Périmé", category: "Menus", valid_until: "2025-01-01" },
      { field: "file", name: "old.pdf", bytes: FILES.pdf },
    );
    const html = await (await jean.get("/infos")).text();
    expect(html).toContain("<h1>Infos / Documents</h1>");
    expect(html).toContain("Menu de mars");
    expect(html).not.toContain("Périmé");
    expect(html).toContain("Fiche sanitaire de liaison");
    const page = html.match(/href="(\/infos\/[0-9a-f-]{36})"/)?.[1] as string;
    expect(await (await jean.get(page)).text()).toContain("Ouvert de <em>8 h</em> à 18 h.");
    const form = html.match(/href="(\/infos\/formulaires\/[0-9a-f-]{36})"/)?.[1] as string;
    const dl = await jean.get(form);
    expect(Buffer.from(await dl.arrayBuffer()).equals(FILES.pdf)).toBe(true);
  });
});

describe("Plombières' home (layout « onglets »)", () => {
  it("shows the menu bar, « Responsable », N° Famille and « Opérations en cours » with the balance", async () => {
    const html = await (await jean.get("/")).text();
    expect(html).toMatch(
      /Bienvenue <strong>JEAN DUPONT<\/strong>, vous avez <a href="\/messages" class="unread-link"><strong>0<\/strong> Nouveau\(x\) Message\(s\)<\/a>/,
    );
    for (const label of [
      "Accueil",
      "Mon compte",
      "Mes enfants",
      "Relevé de compte",
      "Boîte de réception",
      "Liste des demandes",
    ])
      expect(html).toContain(`>${label}</a>`);
    expect(html).toContain('<h2 id="responsable-titre">Responsable</h2>');
    expect(html).toContain("<dt>N° Famille</dt><dd>1001001818331</dd>");
    expect(html).toMatch(/Votre compte présente un solde de <strong>0,00\s€<\/strong>/);
    for (const label of [
      "Changer mot de passe",
      "Infos./Documents",
      "Fiche d'inscription",
      "Informations compte",
      "Factures Impayées",
    ])
      expect(html).toContain(label);
    expect(html).not.toContain('class="tiles"');
  });
});
