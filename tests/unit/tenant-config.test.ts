import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { contrastRatio } from "../../src/lib/contrast.ts";
import { tenantConfigSchema } from "../../src/tenancy/config-schema.ts";
import { loadTenantFiles } from "../../src/tenancy/files.ts";

const files = loadTenantFiles();
const bySlug = new Map(files.map((f) => [f.config.slug, f]));

/** A valid configuration (Séné's), as plain data that each test may spoil. */
function valid(): Record<string, unknown> & { branding: Record<string, unknown> } {
  const sene = bySlug.get("sene");
  if (!sene) throw new Error("tenants/sene.yaml is missing");
  return structuredClone(sene.config) as unknown as Record<string, unknown> & {
    branding: Record<string, unknown>;
  };
}

function issues(input: unknown): string[] {
  const r = tenantConfigSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("the three real tenant files", () => {
  it("load and validate", () => {
    expect(files.map((f) => f.config.slug)).toEqual(["plombieres", "sene", "senneceylesdijon"]);
    for (const f of files) {
      expect(f.logoSvg, f.config.slug).toMatch(/<svg[\s>]/);
      expect(f.config.links.length, f.config.slug).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(f.config.branding.primary, "#ffffff"), f.config.slug).toBeGreaterThanOrEqual(4.5);
      expect(
        contrastRatio(f.config.branding.primary, f.config.branding.onPrimary),
        f.config.slug,
      ).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("carry each town's own rules", () => {
    const plombieres = bySlug.get("plombieres")?.config;
    expect(plombieres?.auth).toMatchObject({
      loginWith: "identifier",
      accountOpening: "letter",
      forcePasswordChangeAtFirstLogin: true,
      logoutRedirect: "https://www.plombieres-les-dijon.fr/",
    });
    expect(plombieres?.portal).toMatchObject({ inbox: true, requestsList: true, layout: "onglets" });
    expect(bySlug.get("sene")?.config.portal.layout).toBe("tuiles");
    expect(bySlug.get("sene")?.config.auth.loginWith).toBe("email");
    expect(bySlug.get("sene")?.config.auth.logoutRedirect).toBeUndefined();
    expect(bySlug.get("senneceylesdijon")?.config.hostnames).toEqual(["portail-famille.sennecey.test"]);
    expect(bySlug.get("senneceylesdijon")?.config.holidayZone).toBe("A");
    expect(bySlug.get("sene")?.config.holidayZone).toBe("B");
  });

  it("give each town its own logo", () => {
    expect(new Set(files.map((f) => f.logoSvg)).size).toBe(3);
  });
});

describe("the tenant configuration schema", () => {
  it("accepts the valid base", () => {
    expect(issues(valid())).toEqual([]);
  });

  it("rejects a primary colour below 4.5:1 on white", () => {
    const cfg = valid();
    cfg.branding.primary = "#ffcc00";
    expect(issues(cfg)).toContain("branding.primary: contraste sur blanc < 4.5:1");
  });

  it("checks the primary colour on white at exactly 4.5:1", () => {
    // #777777 is 4.48:1 on white (and 4.69:1 under black text), #767676 is 4.54:1.
    expect(contrastRatio("#777777", "#ffffff")).toBeLessThan(4.5);
    expect(contrastRatio("#767676", "#ffffff")).toBeGreaterThanOrEqual(4.5);
    const below = valid();
    below.branding.primary = "#777777";
    below.branding.onPrimary = "#000000";
    expect(issues(below)).toEqual(["branding.primary: contraste sur blanc < 4.5:1"]);
    const above = valid();
    above.branding.primary = "#767676";
    above.branding.onPrimary = "#ffffff";
    expect(issues(above)).toEqual([]);
  });

  it("checks the text colour on the primary colour at exactly 4.5:1", () => {
    // On Séné's #00587a: #c0c0c0 is 4.31:1, #c8c8c8 is 4.69:1.
    const below = valid();
    below.branding.onPrimary = "#c0c0c0";
    expect(issues(below)).toEqual(["branding.onPrimary: contraste < 4.5:1"]);
    const above = valid();
    above.branding.onPrimary = "#c8c8c8";
    expect(issues(above)).toEqual([]);
  });

  it.each(["blue", "#fff", "#00587g", "00587a", "#00587a80"])("rejects the colour %j", (colour) => {
    const cfg = valid();
    cfg.branding.primary = colour;
    expect(issues(cfg).some((i) => i.startsWith("branding.primary:"))).toBe(true);
  });

  it.each(["Sene", "-sene", "s", "sene_2", "séné", "sene.localhost", "", `a${"b".repeat(63)}`])(
    "rejects the slug %j",
    (slug) => {
      expect(issues({ ...valid(), slug }).some((i) => i.startsWith("slug:"))).toBe(true);
    },
  );

  it.each(["sene", "sene-2", "a1"])("accepts the slug %j", (slug) => {
    expect(issues({ ...valid(), slug })).toEqual([]);
  });

  it.each(["localhost", "bad host.fr", "-x.fr", "x..fr", "http://x.fr"])("rejects the hostname %j", (h) => {
    expect(issues({ ...valid(), hostnames: [h] }).some((i) => i.startsWith("hostnames.0:"))).toBe(true);
  });

  it("lowercases extra hostnames", () => {
    const r = tenantConfigSchema.parse({ ...valid(), hostnames: ["Portail.Ville.FR"] });
    expect(r.hostnames).toEqual(["portail.ville.fr"]);
  });

  it("rejects a weak password policy, a bad logout URL and an unknown login mode", () => {
    const cfg = valid() as unknown as { auth: Record<string, unknown> };
    cfg.auth = {
      ...cfg.auth,
      passwordPolicy: { minLength: 6 },
      logoutRedirect: "pas une url",
      loginWith: "sms",
    };
    const found = issues(cfg);
    expect(found.some((i) => i.startsWith("auth.passwordPolicy.minLength:"))).toBe(true);
    expect(found.some((i) => i.startsWith("auth.logoutRedirect:"))).toBe(true);
    expect(found.some((i) => i.startsWith("auth.loginWith:"))).toBe(true);
  });

  it("rejects a logo that is not a plain SVG file name", () => {
    const cfg = valid();
    cfg.branding.logo = "../secrets.svg";
    expect(issues(cfg).some((i) => i.startsWith("branding.logo:"))).toBe(true);
  });

  it("requires each mandatory document to be one of the town's document types", () => {
    const cfg = valid() as unknown as { householdFile: { mandatory: { documents: string[] } } };
    cfg.householdFile.mandatory.documents = ["attestation_qf", "carte_vitale"];
    expect(issues(cfg)).toEqual(["householdFile.mandatory.documents.1: type inconnu"]);
  });
});

describe("loadTenantFiles", () => {
  let dir = "";
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = "";
  });

  function folder(files: Record<string, string>) {
    dir = mkdtempSync(path.join(tmpdir(), "parvis-tenants-"));
    for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
    return dir;
  }

  it("stops on an invalid file, naming it and the field", () => {
    const cfg = valid();
    cfg.branding.primary = "#ffff00";
    const d = folder({ "sene.yaml": stringify(cfg), "sene.svg": "<svg></svg>" });
    expect(() => loadTenantFiles(d)).toThrow(
      /tenants\/sene\.yaml is invalid:\n[\s\S]*branding\.primary: contraste sur blanc/,
    );
  });

  it("stops when the slug does not match the file name", () => {
    const d = folder({ "autre.yaml": stringify(valid()), "sene.svg": "<svg></svg>" });
    expect(() => loadTenantFiles(d)).toThrow("tenants/autre.yaml: slug must match the file name");
  });

  it("reads the logo named by the file", () => {
    const d = folder({ "sene.yaml": stringify(valid()), "sene.svg": "<svg>mine</svg>", "notes.txt": "x" });
    const loaded = loadTenantFiles(d);
    expect(loaded).toHaveLength(1);
    expect(loaded[0]?.logoSvg).toBe("<svg>mine</svg>");
  });
});
