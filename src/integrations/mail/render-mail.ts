import path from "node:path";
import { fileURLToPath } from "node:url";
import { Eta } from "eta";
import { eta } from "../../http/render.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { portalUrl } from "./links.ts";

const views = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../templates");
/**
 * E-mail templates are plain text: no HTML escaping, and no automatic trimming, so a line
 * that ends with a value keeps its line break (the cause of « n° 1000Bonjour … »).
 */
const mailEta = new Eta({
  views,
  autoEscape: false,
  autoTrim: false,
  cache: process.env.NODE_ENV !== "development",
});

export type Block = { kind: "paragraph"; lines: string[] } | { kind: "list"; items: string[] };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const ITEM = /^\s*- /;

/**
 * Reads a template's output: a first line « Objet : … », then paragraphs separated by blank
 * lines, and lists whose items start with « - » (blank lines between items, which the loops of a
 * template leave, do not end a list).
 */
export function parseMail(rendered: string): { subject: string; blocks: Block[] } {
  const lines = rendered.replace(/\r/g, "").split("\n");
  while (lines.length && !lines[0]?.trim()) lines.shift();
  const subject = (lines.shift() ?? "")
    .replace(/^Objet :/, "")
    .replace(/\s+/g, " ")
    .trim();
  const blocks: Block[] = [];
  let current: Block | null = null;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) {
      if (current?.kind === "paragraph") current = null;
      continue;
    }
    if (ITEM.test(raw)) {
      if (current?.kind !== "list") {
        current = { kind: "list", items: [] };
        blocks.push(current);
      }
      current.items.push(line.replace(/^- /, ""));
    } else {
      if (current?.kind !== "paragraph") {
        current = { kind: "paragraph", lines: [] };
        blocks.push(current);
      }
      current.lines.push(line);
    }
  }
  return { subject, blocks };
}

function contactLines(tenant: Tenant): string[] {
  const c = tenant.config.contact;
  return [c.service, `${c.phone} – ${c.email}`, c.address];
}

function textOf(blocks: Block[]): string {
  return blocks
    .map((b) => (b.kind === "list" ? b.items.map((i) => `- ${i}`).join("\n") : b.lines.join("\n")))
    .join("\n\n");
}

/** Links of a line, for the HTML part. */
function parts(line: string) {
  return line.split(/(https?:\/\/\S+)/).map((part, i) => (i % 2 === 1 ? { link: part } : { text: part }));
}

/**
 * One rule for every e-mail: a one-line subject ending with the town's short name, a greeting,
 * the template's paragraphs and lists, then the portal link and the town's contact; the same
 * content as plain text and as HTML in the town's name, logo and colour.
 */
export function renderMail(tenant: Tenant, template: string, data: Record<string, unknown>): RenderedMail {
  const portal = portalUrl(tenant);
  const out = mailEta.render(`emails/${template}`, { tenant, cfg: tenant.config, portal, ...data });
  const { subject, blocks } = parseMail(out);
  const name = typeof data.name === "string" && data.name.trim() ? data.name.trim() : "";
  const greeting = name ? `Bonjour ${name},` : "Bonjour,";
  const contact = contactLines(tenant);
  const text = [greeting, textOf(blocks), `Votre portail famille : ${portal}`, contact.join("\n")].join(
    "\n\n",
  );
  const html = eta.render("emails/_layout", {
    tenant,
    cfg: tenant.config,
    subject,
    greeting,
    portal,
    contact,
    blocks: blocks.map((b) =>
      b.kind === "list"
        ? { kind: "list", items: b.items.map(parts) }
        : { kind: "paragraph", lines: b.lines.map(parts) },
    ),
  });
  return { subject: `${subject} – ${tenant.config.shortName}`, text, html };
}

/** Around a value's name while a template is rendered once for many mails (U+2063, no space). */
const MARK = "\u2063";
const mark = (key: string) => `${MARK}${key}${MARK}`;

/**
 * A value renderMail would print as it is: a string without surrounding or doubled spaces,
 * line breaks, tabs, link or leading « - » (no-break spaces, as in « 12,50 € », are fine), so
 * that filling it in after rendering gives the same mail. A name must not be blank (renderMail's greeting then differs).
 */
const fillable = (v: unknown): v is string =>
  typeof v === "string" &&
  v !== "" &&
  v === v.trim() &&
  !/\s\s|[\t\n\v\f\r\u2028\u2029]|https?:|^-|\u2063/.test(v);

/** The subject (also the HTML title) has its spaces made plain: a value in it must have only those. */
const plain = (v: string) => !/[^\S ]/.test(v);

function sameKeys(data: Record<string, unknown>, keys: string[], inSubject: Set<string>): boolean {
  return (
    Object.keys(data).length === keys.length &&
    keys.every((k) => fillable(data[k]) && (!inSubject.has(k) || plain(data[k])))
  );
}

function fill(rendered: RenderedMail, data: Record<string, unknown>, keys: string[]): RenderedMail {
  let { subject, text, html } = rendered;
  for (const k of keys) {
    const v = data[k] as string;
    subject = subject.replaceAll(mark(k), v);
    text = text.replaceAll(mark(k), v);
    html = html.replaceAll(mark(k), eta.config.escapeFunction(v));
  }
  return { subject, text, html };
}

/**
 * renderMail for many mails of one template: the template and the layout run once, with each
 * value's place marked, then each mail's values are filled in (HTML-escaped in the HTML part).
 * A mail whose values are not all plain strings (see `fillable`) is rendered on its own.
 * Same output as renderMail, mail for mail: 5,000 invoice notices cost one rendering.
 */
export function renderMails(
  tenant: Tenant,
  template: string,
  data: Record<string, unknown>[],
): RenderedMail[] {
  const keys = Object.keys(data[0] ?? {});
  const one = (d: Record<string, unknown>) => renderMail(tenant, template, d);
  const strings = (d: Record<string, unknown>) => Object.values(d).every((v) => typeof v === "string");
  // Lists and other non-string values shape the template itself: each mail on its own.
  if (!data[0] || !strings(data[0])) return data.map(one);
  const shared = renderMail(tenant, template, Object.fromEntries(keys.map((k) => [k, mark(k)])));
  const inSubject = new Set(keys.filter((k) => shared.subject.includes(mark(k))));
  // A value inside a link would end the link at its first space once filled in: render apart.
  const inLink = /https?:\/\/[^\s"<]*\u2063/.test(shared.text + shared.html);
  return data.map((d) => (!inLink && sameKeys(d, keys, inSubject) ? fill(shared, d, keys) : one(d)));
}
