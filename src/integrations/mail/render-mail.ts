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
