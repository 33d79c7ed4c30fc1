/**
 * The attacker's checks as the project's own (issue 16): find every form a person can reach
 * by following links, then post hostile values to each. Only HTML is read; nothing is mocked.
 */
import type { createApp } from "../../src/app.ts";
import type { client } from "./client.ts";

type Client = ReturnType<typeof client>;
type App = ReturnType<typeof createApp>;

export interface FoundForm {
  action: string;
  multipart: boolean;
  fields: string[];
  files: string[];
  /** What the page fills in (values, checked boxes, selected options, text areas). */
  defaults: [string, string][];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const decode = (s: string) =>
  s
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
const attr = (tag: string, name: string) => tag.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];

/** Forms that post, with their fields, as a page declares them. */
export function formsIn(html: string, page: string): FoundForm[] {
  const out: FoundForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const [, open = "", body = ""] = m;
    if ((attr(open, "method") ?? "get").toLowerCase() !== "post") continue;
    const action = decode(attr(open, "action") ?? page);
    if (!action.startsWith("/")) continue;
    const fields = new Set<string>();
    const files = new Set<string>();
    for (const f of body.matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
      const name = attr(f[2] ?? "", "name");
      if (!name) continue;
      if (attr(f[2] ?? "", "type") === "file") files.add(decode(name));
      else fields.add(decode(name));
    }
    const multipart = attr(open, "enctype") === "multipart/form-data";
    out.push({ action, multipart, fields: [...fields], files: [...files], defaults: defaultsOf(body) });
  }
  return out;
}

function defaultsOf(body: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of body.matchAll(/<input\b([^>]*)>/g)) {
    const tag = m[1] ?? "";
    const name = attr(tag, "name");
    const type = attr(tag, "type") ?? "text";
    if (!name || type === "file" || type === "submit") continue;
    if ((type === "checkbox" || type === "radio") && !/\schecked\b/.test(tag)) continue;
    out.push([decode(name), decode(attr(tag, "value") ?? (type === "checkbox" ? "on" : ""))]);
  }
  for (const m of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(m[1] ?? "", "name");
    const options = [...(m[2] ?? "").matchAll(/<option\b([^>]*)>/g)].map((o) => o[1] ?? "");
    const chosen = options.find((o) => /\sselected\b/.test(o)) ?? options.find((o) => attr(o, "value"));
    if (name && chosen) out.push([decode(name), decode(attr(chosen, "value") ?? "")]);
  }
  for (const m of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attr(m[1] ?? "", "name");
    if (name) out.push([decode(name), decode(m[2] ?? "")]);
  }
  return out;
}

/** The page's own values, with one field made hostile: what passes the other checks reaches the database. */
export function oneFieldHostile(f: FoundForm, field: string, bad: (v: string) => string): [string, string][] {
  const pairs = f.defaults.filter(([n]) => n !== field);
  const own = f.defaults.find(([n]) => n === field)?.[1] ?? "";
  return [...pairs, [field, bad(own || "Essai")]];
}

/** Same-host links of a page (GET), one per route shape (ids folded), within `under`. */
export function linksIn(html: string, under: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<a\b[^>]*\shref="(\/[^"#]*)"/g)) {
    const href = decode(m[1] ?? "");
    if (href.startsWith(under) && !href.startsWith("/assets/")) out.push(href);
  }
  return out;
}

/** Follows links from `start` (at most `max` pages, one per route shape) and returns pages and forms. */
export async function crawl(c: Client, start: string[], under: string, max = 120) {
  const seenShapes = new Set<string>();
  const queue = [...start];
  const pages: string[] = [];
  const forms = new Map<string, FoundForm>();
  while (queue.length && pages.length < max) {
    const path = queue.shift() ?? "";
    const shape = path.replace(UUID, ":id").replace(/\?.*$/, "");
    if (seenShapes.has(shape) || /deconnexion|\.pdf|\.csv|\/export/.test(path)) continue;
    seenShapes.add(shape);
    const res = await c.get(path);
    pages.push(path);
    if (!(res.headers.get("content-type") ?? "").includes("text/html")) continue;
    const html = await res.text();
    for (const f of formsIn(html, path)) forms.set(f.action.replace(UUID, ":id") + f.fields.join(","), f);
    queue.push(...linksIn(html, under));
  }
  return { pages, forms: [...forms.values()] };
}

/** Hostile bodies for one form: control characters, overlong values, repeated fields, nothing at all. */
export function hostileBodies(f: FoundForm): Array<{ label: string; pairs: [string, string][] }> {
  const all = (v: string): [string, string][] => f.fields.map((n) => [n, v]);
  return [
    { label: "NUL", pairs: all("a\u0000b") },
    { label: "CR/LF", pairs: all("x\r\nBcc: pirate@example.test\r\n") },
    { label: "overlong", pairs: all("é".repeat(3000)) },
    { label: "wrong types", pairs: [...all("[object Object]"), ...all("-1e309"), ...all("true")] },
    { label: "empty", pairs: [] },
  ];
}

/** A multipart body whose boundary never comes: must not be a server error. */
export async function postMalformedMultipart(
  app: App,
  host: string,
  action: string,
  cookies: Map<string, string>,
) {
  return app.request(`http://127.0.0.1${action}`, {
    method: "POST",
    headers: {
      Host: host,
      Origin: `http://${host}`,
      Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      "Content-Type": "multipart/form-data; boundary=----nope",
    },
    body: '------other\r\nContent-Disposition: form-data; name="x"\r\n\r\n\u0000',
    redirect: "manual",
  });
}

/** English left by a library (zod, Hono) that a French person should never read. */
export const ENGLISH =
  /\b(Invalid input|Expected |Required|Too (big|small)|Internal Server Error|Malformed|Bad Request)\b/;
