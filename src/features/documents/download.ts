import type { Context } from "hono";
import type { AppEnv } from "../../http/types.ts";

/** RFC 6266 / 5987: an ASCII fallback name, and the real one percent-encoded in UTF-8. */
export function attachment(filename: string): string {
  const ascii = filename
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Always a download, never rendered by the browser, never kept in a cache. */
export function sendFile(c: Context<AppEnv>, file: { filename: string; mime: string; content: Buffer }) {
  return c.body(new Uint8Array(file.content), 200, {
    "Content-Type": file.mime,
    "Content-Length": String(file.content.length),
    "Content-Disposition": attachment(file.filename),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
  });
}
