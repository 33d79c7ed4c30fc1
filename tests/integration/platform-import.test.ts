import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse, stringify } from "yaml";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { loginUrl, prepareDatabase } from "../../src/db/prepare.ts";
import { exportTown, importTown } from "../../src/features/platform/towns/import-service.ts";
import { tenantConfigSchema } from "../../src/tenancy/config-schema.ts";
import { loadTenantFiles } from "../../src/tenancy/files.ts";
import { provisionTenants } from "../../src/tenancy/provision.ts";
import { LOGIN, withDatabase } from "../helpers/constants.ts";
import { operatorClient } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
let op: Awaited<ReturnType<typeof operatorClient>>;
beforeAll(async () => {
  p = await createTestPlatform();
  op = await operatorClient(p);
});
afterAll(async () => {
  await p?.close();
});

const who = {
  op: { sessionId: "s", operatorId: randomUUID(), name: "Test", email: "t@parvis.test" },
  ip: "203.0.113.60",
  domain: "localhost",
};
const file = (text: string, name = "commune.yaml") => new File([text], name);

/** A migrated database with no town at all, as a new platform starts. */
async function emptyDatabase(): Promise<{ db: Database; drop(): Promise<void> }> {
  const adminUrl = inject("adminUrl");
  const name = `parvis_t_empty_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const ownerUrl = withDatabase(adminUrl, name);
  await prepareDatabase(ownerUrl, LOGIN);
  const db = createDatabase(loginUrl(ownerUrl, LOGIN), { max: 2 });
  return {
    db,
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

describe("tenant files from the console", () => {
  it("publishes the tenant file's JSON Schema", async () => {
    const res = await op.get("/schema/commune.json");
    expect(res.headers.get("content-type")).toMatch(/^application\/schema\+json/);
    const schema = (await res.json()) as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(["slug", "name", "branding", "auth"]));
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["planning", "billing", "householdFile"]),
    );
  });

  it("exports a town with its offer, régies and tariffs read from the database, audited", async () => {
    const seneId = p.tenants.get("sene") as string;
    await p.owner
      .updateTable("regies")
      .set({ name: "Régie modifiée à l'écran" })
      .where("tenant_id", "=", seneId)
      .execute();
    const res = await op.get(`/communes/${seneId}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="sene.yaml"');
    const cfg = tenantConfigSchema.parse(parse(await res.text()));
    expect(cfg.slug).toBe("sene");
    expect(cfg.planning.periods.length).toBeGreaterThan(0);
    expect(cfg.billing.tariffs.length).toBeGreaterThan(0);
    expect(cfg.billing.regies.map((r) => r.name)).toContain("Régie modifiée à l'écran");
    const audit = await p.owner
      .selectFrom("platform_audit")
      .select("event")
      .where("target_tenant_id", "=", seneId)
      .execute();
    expect(audit.map((a) => a.event)).toContain("town_exported");
  });

  it("round trip: export, import into an empty database, export again: the same configuration", async () => {
    const empty = await emptyDatabase();
    try {
      for (const slug of ["sene", "plombieres"]) {
        const id = p.tenants.get(slug) as string;
        const first = await exportTown(p.deps, who, id);
        const logo = (
          await p.owner
            .selectFrom("tenants")
            .select("logo_svg")
            .where("id", "=", id)
            .executeTakeFirstOrThrow()
        ).logo_svg as string;
        const r = await importTown(empty.db, who, first.text, file(logo, "logo.svg"));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.created).toBe(true);
        const again = await exportTown({ ...p.deps, db: empty.db }, who, r.id);
        expect(again.text).toBe(first.text);
      }
    } finally {
      await empty.drop();
    }
  });

  it("shows each error of a bad file at its path and changes nothing", async () => {
    const seneId = p.tenants.get("sene") as string;
    const cfg = parse(await (await op.get(`/communes/${seneId}/export`)).text());
    cfg.slug = "ville-fautive";
    cfg.branding.primary = "#ffee00";
    cfg.householdFile.mandatory.documents = ["inconnu"];
    const before = await p.owner.selectFrom("tenants").select("id").execute();
    const res = await op.upload("/import", {}, { fichier: file(stringify(cfg)) });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("<code>branding.primary</code> : contraste sur blanc &lt; 4.5:1");
    expect(html).toContain("<code>householdFile.mandatory.documents.0</code> : type inconnu");
    expect(html).toContain('aria-describedby="f-fichier-error f-fichier-issues"');
    expect(await p.owner.selectFrom("tenants").select("id").execute()).toHaveLength(before.length);

    const noLogo = await op.upload(
      "/import",
      {},
      {
        fichier: file(
          stringify({
            ...cfg,
            branding: { ...cfg.branding, primary: "#00587a" },
            householdFile: {
              ...cfg.householdFile,
              mandatory: { ...cfg.householdFile.mandatory, documents: [] },
            },
          }),
        ),
      },
    );
    expect(noLogo.status).toBe(422);
    expect(await noLogo.text()).toContain('id="f-logo-error">Joignez le logo');
  });

  it("re-applies a file to an existing town only when an operator imports it, never at boot", async () => {
    const seneId = p.tenants.get("sene") as string;
    const cfg = parse(await (await op.get(`/communes/${seneId}/export`)).text());
    cfg.name = "Ville de Séné (importée)";
    const res = await op.upload("/import", {}, { fichier: file(stringify(cfg)) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/communes/${seneId}?message=commune-importee`);
    const home = await p.app.request("http://127.0.0.1/", { headers: { Host: "sene.localhost:3000" } });
    expect(await home.text()).toContain("Ville de Séné (importée)");

    // A boot with tenants/sene.yaml leaves the database's version alone.
    await provisionTenants(p.db, loadTenantFiles());
    const row = await p.owner
      .selectFrom("tenants")
      .select("name")
      .where("id", "=", seneId)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe("Ville de Séné (importée)");
  });
});
