import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { partValues } from "../../src/features/settings/forms.ts";
import { type TenantConfig, tenantConfigSchema } from "../../src/tenancy/config-schema.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
let p: TestPlatform;
let admin: ReturnType<typeof client>;
let seneId: string;
beforeAll(async () => {
  p = await createTestPlatform();
  seneId = p.tenants.get("sene") as string;
  admin = client(p.app, SENE, { ip: "198.51.100.30" });
  expect((await admin.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
});
afterAll(async () => {
  await p?.close();
});

const config = async (): Promise<TenantConfig> =>
  tenantConfigSchema.parse(
    (await p.owner.selectFrom("tenants").select("config").where("id", "=", seneId).executeTakeFirstOrThrow())
      .config,
  );
/** The form as the page shows it, with some fields changed. */
const form = async (changes: Record<string, string | string[]>) => {
  const values = { ...partValues(await config()), ...changes };
  return Object.entries(values).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])) as [
    string,
    string,
  ][];
};

describe("« Paramètres de la commune »", () => {
  it("is for the town's admins only", async () => {
    expect((await admin.get("/agents/parametres")).status).toBe(200);
    const agent = client(p.app, SENE, { ip: "198.51.100.31" });
    expect((await agent.login("agent@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect((await agent.get("/agents/parametres")).status).toBe(403);
    expect(
      (await agent.post("/agents/parametres/identite", await form({ contact_phone: "00" }))).status,
    ).toBe(403);
  });

  it("changes the branding and contact at once on the public page, audited", async () => {
    const res = await admin.post(
      "/agents/parametres/identite",
      await form({
        primary: "#1d4f91",
        contact_phone: "02 97 00 00 01",
        links: "Menus | https://www.sene.bzh/menus",
      }),
    );
    expect(res.status).toBe(303);
    const home = await (await client(p.app, SENE).get("/")).text();
    expect(home).toContain("02 97 00 00 01");
    expect(home).toContain('href="https://www.sene.bzh/menus"');
    expect(await (await client(p.app, SENE).get("/theme.css")).text()).toContain("#1d4f91");
    const audit = await p.owner
      .selectFrom("audit_log")
      .select(["action", "fields"])
      .where("tenant_id", "=", seneId)
      .where("entity", "=", "tenant_settings")
      .execute();
    expect(audit).toEqual([{ action: "settings_changed", fields: ["identite"] }]);
  });

  it("refuses a colour below the RGAA contrast at the field, changing nothing", async () => {
    const before = await config();
    const low = await admin.post("/agents/parametres/identite", await form({ primary: "#88aaff" }));
    expect(low.status).toBe(422);
    const html = await low.text();
    expect(html).toMatch(/id="f-primary-error">Contraste sur fond blanc insuffisant : 2,\d\d:1/);
    expect(html).toContain('value="#88aaff"');
    expect(await config()).toEqual(before);
  });

  it("sets the change mode per section, the mandatory fields and documents", async () => {
    const res = await admin.post(
      "/agents/parametres/dossier",
      await form({
        change_coordonnees: "request",
        mandatory_documents: ["attestation_qf", "brevet_natation"],
        mandatory_child: ["school"],
      }),
    );
    expect(res.status).toBe(303);
    const file = (await config()).householdFile;
    expect(file.changes.coordonnees).toBe("request");
    expect(file.mandatory.documents).toEqual(["attestation_qf", "brevet_natation"]);
    expect(file.mandatory.child).toEqual(["school"]);
  });

  it("edits document types, formats and size; a bad line is shown at the field", async () => {
    const bad = await admin.post(
      "/agents/parametres/documents",
      await form({ types: "Carnet de vaccination | voisin" }),
    );
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain(
      "Ligne « Carnet de vaccination | voisin » : écrivez « Libellé | foyer ou enfant",
    );
    const ok = await admin.post(
      "/agents/parametres/documents",
      await form({
        types: "Attestation QF CAF ou MSA | foyer | 12\nCarnet de vaccination | enfant",
        extensions: [".pdf"],
        max_mo: "3",
      }),
    );
    expect(ok.status).toBe(303);
    const docs = await config();
    expect(docs.householdFile.documents.types).toEqual([
      { key: "attestation_qf", label: "Attestation QF CAF ou MSA", scope: "household", validityMonths: 12 },
      { key: "carnet_de_vaccination", label: "Carnet de vaccination", scope: "child" },
    ]);
    expect(docs.householdFile.documents.maxBytes).toBe(3 * 1024 * 1024);
    // A type removed is no longer mandatory.
    expect(docs.householdFile.mandatory.documents).toEqual(["attestation_qf"]);
  });

  it("edits the absence reasons and the consents", async () => {
    expect(
      (
        await admin.post(
          "/agents/parametres/absences",
          await form({ reasons: "Maladie | excusé | médical\nConvenance | facturé" }),
        )
      ).status,
    ).toBe(303);
    expect(
      (
        await admin.post(
          "/agents/parametres/autorisations",
          await form({ consents: "Droit à l'image\nSortie piscine" }),
        )
      ).status,
    ).toBe(303);
    const cfg = await config();
    expect(cfg.planning.absences.reasons.map((r) => [r.label, r.billed, r.medical])).toEqual([
      ["Maladie", false, true],
      ["Convenance", true, false],
    ]);
    expect(cfg.householdFile.consents.map((c) => c.label)).toEqual(["Droit à l'image", "Sortie piscine"]);
  });

  it("lets the database refuse an agent, another town, and the slug", async () => {
    const users = await p.owner
      .selectFrom("users")
      .select(["id", "email"])
      .where("tenant_id", "=", seneId)
      .where("kind", "=", "staff")
      .execute();
    const idOf = (email: string) => users.find((u) => u.email === email)?.id as string;
    const update = (userId: string, tenantId: string, set: string) =>
      p.db.withTenant({ role: "app_staff", tenantId: seneId, userId }, async (trx) =>
        Number(
          (await sql.raw(`update tenants set ${set} where id = '${tenantId}'`).execute(trx)).numAffectedRows,
        ),
      );
    expect(await update(idOf("agent@sene.test"), seneId, "updated_at = now()")).toBe(0);
    expect(
      await update(idOf("admin@sene.test"), p.tenants.get("plombieres") as string, "updated_at = now()"),
    ).toBe(0);
    expect(await update(idOf("admin@sene.test"), seneId, "updated_at = now()")).toBe(1);
    await expect(update(idOf("admin@sene.test"), seneId, "slug = 'autre'")).rejects.toThrow(
      /permission denied/,
    );
    await expect(
      update(idOf("admin@sene.test"), seneId, "config = jsonb_set(config, '{slug}', '\"autre\"')"),
    ).rejects.toThrow(/tenants_config_slug/);
  });
  it("sets the parents' home: layout, added tiles, services; at once, audited", async () => {
    const before = await config();
    const bad = await admin.post(
      "/agents/parametres/accueil",
      await form({ layout: "colonnes", message_services: "Cantine\nX" }),
    );
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('id="f-layout-error">Choisissez une présentation de l&#39;accueil.');
    expect(html).toContain(
      'id="f-message_services-error">Ligne « X » : un service s&#39;écrit en 2 à 60 caractères.',
    );
    expect(html).toContain("Cantine\nX</textarea>");
    expect(await config()).toEqual(before);

    const lola = client(p.app, SENE, { ip: "198.51.100.35" });
    expect((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    expect(await (await lola.get("/")).text()).not.toContain("Boîte de réception");
    const tiles = await admin.post(
      "/agents/parametres/accueil",
      await form({ layout: "tuiles", home_tiles: ["inbox"], message_services: "Cantine\nPériscolaire" }),
    );
    expect(tiles.status).toBe(303);
    expect(tiles.headers.get("location")).toBe("/agents/parametres?enregistre=accueil#accueil");
    const home = await (await lola.get("/")).text();
    expect(home).toContain('href="/messages"><strong>Boîte de réception</strong>');
    expect(home).not.toContain("Liste des demandes");
    expect((await config()).portal.messageServices).toEqual(["Cantine", "Périscolaire"]);

    expect((await admin.post("/agents/parametres/accueil", await form({ layout: "onglets" }))).status).toBe(
      303,
    );
    const bar = await (await lola.get("/")).text();
    expect(bar).toContain("Opérations en cours");
    expect(bar).not.toContain('class="tiles"');
    const audit = await p.owner
      .selectFrom("audit_log")
      .select("fields")
      .where("tenant_id", "=", seneId)
      .where("action", "=", "settings_changed")
      .execute();
    expect(audit.filter((a) => a.fields.includes("accueil"))).toHaveLength(2);
  });
  it("previews the public page with unsaved branding and texts, saving nothing", async () => {
    const before = await config();
    const body = new FormData();
    for (const [k, v] of await form({
      primary: "#7a1f3d",
      on_primary: "#ffffff",
      tagline: "Aperçu : la ville au bord du golfe",
      contact_phone: "02 97 99 99 99",
      links: "Transports scolaires | https://www.sene.bzh/transports",
    }))
      body.append(k, v);
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#7a1f3d"/></svg>';
    body.append("logo", new File([svg], "logo.svg", { type: "image/svg+xml" }));
    const res = await p.app.request("http://127.0.0.1/agents/parametres/apercu", {
      method: "POST",
      body,
      headers: {
        Host: SENE,
        Origin: `http://${SENE}`,
        Cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const html = await res.text();
    expect(html).toContain(
      '<p class="flash" role="status">Aperçu : ces réglages ne sont pas encore enregistrés.',
    );
    expect(html).toContain("<h1>Bienvenue sur votre Portail Famille</h1>");
    expect(html).toContain("Aperçu : la ville au bord du golfe");
    expect(html).toContain("02 97 99 99 99");
    expect(html).toContain('href="https://www.sene.bzh/transports"');
    expect(html).toContain('<img src="data:image/svg+xml;base64,');
    const theme = html.match(/href="(\/agents\/parametres\/apercu\.css\?[^"]+)"/)?.[1] ?? "";
    expect(theme).toContain("primary=%237a1f3d");
    const css = await admin.get(theme.replaceAll("&amp;", "&"));
    expect(await css.text()).toBe(":root{--town-primary:#7a1f3d;--town-on-primary:#ffffff;}");
    expect((await admin.get("/agents/parametres/apercu.css?primary=red&on_primary=%23ffffff")).status).toBe(
      404,
    );

    expect(await config()).toEqual(before);
    const live = await (await client(p.app, SENE).get("/")).text();
    expect(live).not.toContain("Aperçu : la ville au bord du golfe");
    expect(live).toContain('<img src="/logo.svg"');

    const low = await admin.post("/agents/parametres/apercu", await form({ primary: "#88aaff" }));
    expect(low.status).toBe(422);
    expect(await low.text()).toMatch(/id="f-primary-error">Contraste sur fond blanc insuffisant/);
    const agent = client(p.app, SENE, { ip: "198.51.100.36" });
    expect((await agent.login("agent@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect((await agent.post("/agents/parametres/apercu", await form({}))).status).toBe(403);
  });
});
