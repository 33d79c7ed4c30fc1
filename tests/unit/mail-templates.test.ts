import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderMail } from "../../src/integrations/mail/render-mail.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { MAIL_SAMPLES, MAIL_TEMPLATES, MAIL_TOWNS } from "../helpers/mail-samples.ts";

const templates = MAIL_TEMPLATES;
const towns = MAIL_TOWNS;

const LEFTOVERS = /<%|%>|\bit\.|undefined|\[object|NaN|null/;
const IBAN = /\bFR\d{2}[ \d]{10,}/;

describe.each(towns.map((t) => [t.slug, t] as const))("every e-mail of %s", (_slug, town) => {
  it.each(templates)("%s reads well as text and as HTML", (template) => {
    const sample = MAIL_SAMPLES[template];
    expect(sample, `tests/helpers/mail-samples.ts has no sample for ${template}`).toBeDefined();
    const mail = renderMail(town, template, sample ?? {});
    expect(mail.subject).not.toMatch(/\n/);
    expect(mail.subject).not.toMatch(LEFTOVERS);
    expect(mail.subject).not.toContain("Bonjour");
    expect(mail.subject.endsWith(` – ${town.config.shortName}`)).toBe(true);
    expect(mail.subject.length).toBeLessThan(90);

    expect(mail.text.startsWith("Bonjour Hélène LEFÈVRE-D'ARCY,\n\n")).toBe(true);
    expect(mail.text).not.toMatch(LEFTOVERS);
    expect(mail.text).not.toMatch(IBAN);
    expect(mail.text).not.toMatch(/\n{3,}/);
    expect(mail.text).toContain(`http://${town.slug}.localhost:3000/`);
    expect(mail.text).toContain(town.config.contact.phone);

    expect(mail.html).toContain(town.config.name);
    expect(mail.html).toContain(town.config.branding.primary);
    expect(mail.html).toContain(`src="http://${town.slug}.localhost:3000/logo.svg"`);
    expect(mail.html).toContain(`href="http://${town.slug}.localhost:3000/"`);
    expect(mail.html).toContain("<p>Bonjour Hélène LEFÈVRE-D&#39;ARCY,</p>");
    expect(mail.html).not.toMatch(/undefined|\[object|&lt;%/);
  });
});

describe("lists in e-mails", () => {
  const [town] = towns as [Tenant];
  const withLists = templates.filter((t) => /^- /m.test(readFileSync(`templates/emails/${t}.eta`, "utf8")));

  it("are found in the templates that list days or amounts", () => {
    expect(withLists).toEqual(
      expect.arrayContaining([
        "planning-booked",
        "planning-decision-accepted",
        "billing-basket-paid",
        "billing-basket-expired",
      ]),
    );
  });

  it.each(withLists)("%s lists each item on its own line and in a real HTML list", (template) => {
    const mail = renderMail(town, template, MAIL_SAMPLES[template] ?? {});
    const items = mail.text.split("\n").filter((l) => l.startsWith("- "));
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(mail.html).toMatch(/<ul>\s*<li>/);
    expect((mail.html.match(/<li>/g) ?? []).length).toBe(items.length);
  });

  it("keeps each child's days under the child's name in the booking confirmation", () => {
    const mail = renderMail(town, "planning-booked", MAIL_SAMPLES["planning-booked"] ?? {});
    expect(mail.subject).toBe(`Votre réservation n° 1000 – ${town.config.shortName}`);
    expect(mail.text).toContain(
      "Zoé LEFÈVRE :\n\n- lundi 6 juillet 2026 : acceptée\n- mardi 7 juillet 2026 : sur liste d'attente\n\nThéo LEFÈVRE :",
    );
  });
});
