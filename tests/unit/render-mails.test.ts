import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderMail, renderMails } from "../../src/integrations/mail/render-mail.ts";
import { loadTenantFiles } from "../../src/tenancy/files.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { MAIL_SAMPLES } from "../helpers/mail-samples.ts";

const templates = readdirSync("templates/emails")
  .filter((f) => f.endsWith(".eta") && !f.startsWith("_"))
  .map((f) => f.replace(/\.eta$/, ""));

const town: Tenant = (() => {
  const f = loadTenantFiles()[0];
  if (!f) throw new Error("no tenant file");
  return {
    id: "00000000-0000-4000-8000-000000000001",
    slug: f.config.slug,
    name: f.config.name,
    status: "active",
    config: f.config,
    logoSvg: f.logoSvg,
  };
})();

/** The sample with each string value changed: HTML to escape, spaces, or one left blank. */
function variants(sample: Record<string, unknown>): Record<string, unknown>[] {
  const each = (f: (v: string, k: string) => string) =>
    Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, typeof v === "string" ? f(v, k) : v]));
  return [
    sample,
    each((v) => `${v} & <Fils> "l'aîné"`),
    each((v, k) => (k === "name" ? "  " : v)),
    each((v) => ` ${v}  x`),
    each((v) => `${v}\u00a0${v}\u202f€`),
    each((v) => `${v}\tx`),
    { ...sample, extra: "en plus" },
  ];
}

describe("renderMails", () => {
  it.each(templates)("renders %s as renderMail does, mail for mail", (template) => {
    const data = variants(MAIL_SAMPLES[template] ?? {});
    expect(renderMails(town, template, data)).toEqual(data.map((d) => renderMail(town, template, d)));
  });
});
