import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { AppError } from "./errors.ts";
import type { AppEnv } from "./types.ts";

// Every message zod writes by itself (a crafted value no schema foresaw) is French too.
z.config(z.locales.fr());

/** Control characters never typed in a form: NUL and the rest of C0 but tab and new lines, and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
/** A query value is one line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const QUERY_CONTROLS = /[\u0000-\u001f\u007f]/g;

/** What is kept of a typed value: no control character, new lines as `\n`. */
export function cleanText(value: string): string {
  return value.replace(/\r\n?/g, "\n").replace(CONTROLS, "");
}

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

export const unreadableForm = () =>
  new AppError(
    "bad_request",
    422,
    "Le formulaire envoyé n'a pas pu être lu. Rechargez la page, puis envoyez-le de nouveau.",
  );

/** The body read once, as sent, then rebuilt with cleaned names and values (files kept as they are). */
async function readCleanForm(c: Context<AppEnv>): Promise<FormData> {
  const raw = c.req.raw;
  const bytes = await raw.arrayBuffer();
  let sent: FormData;
  try {
    const type = raw.headers.get("content-type") ?? "";
    sent = await new Response(bytes, { headers: { "Content-Type": type } }).formData();
  } catch {
    throw unreadableForm();
  }
  const clean = new FormData();
  for (const [name, value] of sent)
    clean.append(cleanText(name), typeof value === "string" ? cleanText(value) : value);
  return clean;
}

/** The URL with its query cleaned, or null when nothing needed cleaning. */
function cleanedUrl(href: string): string | null {
  if (!/%(?:[01][0-9a-f]|7f)/i.test(href)) return null;
  const url = new URL(href);
  const params = new URLSearchParams();
  for (const [k, v] of url.searchParams)
    params.append(k.replace(QUERY_CONTROLS, ""), v.replace(QUERY_CONTROLS, ""));
  url.search = params.toString();
  return url.href;
}

/**
 * The one place where what a client sends is read before any route sees it (issue 16,
 * item 3): query values lose their control characters; a form body, parsed when a route
 * first asks for it (after that route's own size limit), loses them too, and a body that
 * cannot be parsed is a French 422 rather than a server error.
 */
export function cleanInput(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = cleanedUrl(c.req.raw.url);
    if (url) {
      const raw = c.req.raw;
      const body = raw.method === "GET" || raw.method === "HEAD" ? null : raw.body;
      c.req.raw = new Request(url, {
        method: raw.method,
        headers: raw.headers,
        body,
        duplex: "half",
      } as RequestInit);
    }
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
    if (FORM_TYPES.has(type)) {
      // Hono awaits its cached form: a thenable defers the reading until a route asks.
      let parsed: Promise<FormData> | undefined;
      const lazy = {
        // biome-ignore lint/suspicious/noThenProperty: awaited by Hono's body cache on purpose
        then: (ok: (f: FormData) => unknown, ko: (e: unknown) => unknown) => {
          parsed ??= readCleanForm(c);
          return parsed.then(ok, ko);
        },
      };
      c.req.bodyCache.formData = lazy as unknown as FormData;
    }
    return next();
  };
}

/**
 * Races and values no check foresaw, as PostgreSQL refuses them: the same thing sent twice
 * at once (two tabs, a double click) hits a unique constraint; an overlong value an index.
 * Nothing was written (the transaction rolled back): the person is told so, in French.
 */
export function databaseRefusal(err: unknown): { status: 409 | 422; message: string } | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "23505")
    return {
      status: 409,
      message:
        "Cette demande a déjà été enregistrée, peut-être depuis un autre onglet. Rechargez la page pour voir où vous en êtes.",
    };
  if (code === "54000" || code === "22001")
    return { status: 422, message: "Une valeur saisie est trop longue. Raccourcissez-la, puis réessayez." };
  return null;
}
