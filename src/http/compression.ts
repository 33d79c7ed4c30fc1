import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

export type Encoding = "br" | "gzip";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Brotli when the client takes it (smaller), else gzip, else nothing; `q=0` refuses one. */
export function pickEncoding(acceptEncoding: string | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [token = "", ...params] = part.split(";").map((s) => s.trim());
    const weight = params.find((p) => p.startsWith("q="));
    q.set(token, weight ? Number(weight.slice(2)) || 0 : 1);
  }
  const accepts = (e: string) => (q.get(e) ?? q.get("*") ?? 0) > 0;
  if (accepts("br")) return "br";
  return accepts("gzip") ? "gzip" : null;
}

/** Text worth compressing; event streams are never buffered. */
const COMPRESSIBLE =
  /^(text\/(html|css|javascript|plain|csv|xml)|application\/(json|javascript|xml)|image\/svg\+xml)/i;
/** Below this, the headers cost more than the bytes saved. */
const THRESHOLD = 1024;

function compressible(req: Request, res: Response): boolean {
  if (req.method === "HEAD" || !res.body || res.status === 204 || res.status === 304) return false;
  if (res.headers.has("Content-Encoding")) return false;
  if (/no-transform/i.test(res.headers.get("Cache-Control") ?? "")) return false;
  return COMPRESSIBLE.test(res.headers.get("Content-Type") ?? "");
}

function varyOnEncoding(headers: Headers) {
  const vary = headers.get("Vary");
  if (!vary) headers.set("Vary", "Accept-Encoding");
  else if (!/accept-encoding/i.test(vary)) headers.set("Vary", `${vary}, Accept-Encoding`);
}

/**
 * A page, stylesheet or script compressed for a client that accepts it (brotli at a quality
 * cheap enough per request, else gzip). Shared assets come already compressed (assets.ts).
 */
export async function compressResponse(req: Request, res: Response): Promise<Response> {
  if (!compressible(req, res)) return res;
  varyOnEncoding(res.headers);
  const encoding = pickEncoding(req.headers.get("Accept-Encoding") ?? undefined);
  if (!encoding) return res;
  const plain = Buffer.from(await res.arrayBuffer());
  const init = { status: res.status, statusText: res.statusText, headers: res.headers };
  if (plain.length < THRESHOLD) return new Response(plain, init);
  const body =
    encoding === "br"
      ? await brotli(plain, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 4,
            [constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
          },
        })
      : await gzipAsync(plain, { level: 6 });
  res.headers.set("Content-Encoding", encoding);
  res.headers.set("Content-Length", String(body.length));
  return new Response(body, init);
}
