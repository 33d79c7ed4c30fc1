import { describe, expect, it } from "vitest";
import { renderMail, renderMails } from "../../src/integrations/mail/render-mail.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { MAIL_SAMPLES, MAIL_TEMPLATES, MAIL_TOWNS } from "../helpers/mail-samples.ts";

const templates = MAIL_TEMPLATES;
const town = MAIL_TOWNS[0] as Tenant;

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
