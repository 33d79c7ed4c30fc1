import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { type Encoding, pickEncoding } from "./compression.ts";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface AssetSource {
  /** The name templates ask for, e.g. "app.css". */
  name: string;
  type: string;
  body: Buffer;
}

export interface Asset extends AssetSource {
  /** The URL with the content's hash in it, e.g. /assets/app.3f2a9c1e0b.css. */
  url: string;
  /**
   * Compressed once, at the strongest settings, on libuv's thread pool: the boot does not wait
   * for it and the event loop never stalls on it; the first requests await it.
   */
  encoded: Record<Encoding, Promise<Buffer>> | null;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const COMPRESSIBLE = /^(text\/|image\/svg)/;

/** /assets/<base>.<hash>.<ext>: a new content gives a new URL, so browsers may keep each one forever. */
export function fingerprint(name: string, body: Buffer): string {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 10);
  const ext = path.extname(name);
  return `/assets/${name.slice(0, name.length - ext.length)}.${hash}${ext}`;
}

export interface AssetTable {
  /** The fingerprinted URL of a named asset (throws on an unknown name: a template typo). */
  url(name: string): string;
  /** The asset a request path names: its fingerprinted URL, or its plain /assets/<name>. */
  find(pathname: string): { asset: Asset; immutable: boolean } | undefined;
}

export function assetTable(sources: AssetSource[]): AssetTable {
  const byName = new Map<string, Asset>();
  const byUrl = new Map<string, Asset>();
  for (const source of sources) {
    const asset: Asset = { ...source, url: fingerprint(source.name, source.body), encoded: encode(source) };
    byName.set(source.name, asset);
    byUrl.set(asset.url, asset);
  }
  return {
    url(name) {
      const asset = byName.get(name);
      if (!asset) throw new Error(`unknown asset ${name}`);
      return asset.url;
    },
    find(pathname) {
      const hashed = byUrl.get(pathname);
      if (hashed) return { asset: hashed, immutable: true };
      const plain = pathname.startsWith("/assets/")
        ? byName.get(pathname.slice("/assets/".length))
        : undefined;
      return plain ? { asset: plain, immutable: false } : undefined;
    },
  };
}

function encode(source: AssetSource): Asset["encoded"] {
  if (!COMPRESSIBLE.test(source.type)) return null;
  return {
    br: brotli(source.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: gzipAsync(source.body, { level: 9 }),
  };
}

/** The body to send for a request's Accept-Encoding, and the encoding it is in (null: as is). */
export async function encodedBody(asset: Asset, acceptEncoding: string | undefined) {
  const encoding = asset.encoded ? pickEncoding(acceptEncoding) : null;
  if (!encoding || !asset.encoded) return { body: asset.body, encoding: null };
  return { body: await asset.encoded[encoding], encoding };
}

const read = (file: string) => readFileSync(path.join(root, "templates/assets", file));

/** The shared assets: one stylesheet (Pico's classless base and ours), htmx, our script, the icon. */
export const assets = assetTable([
  {
    name: "app.css",
    type: "text/css; charset=utf-8",
    body: Buffer.concat([
      readFileSync(require.resolve("@picocss/pico/css/pico.classless.min.css")),
      Buffer.from("\n"),
      read("app.css"),
    ]),
  },
  {
    name: "htmx.js",
    type: "text/javascript; charset=utf-8",
    body: readFileSync(require.resolve("htmx.org/dist/htmx.min.js")),
  },
  { name: "app.js", type: "text/javascript; charset=utf-8", body: read("app.js") },
  {
    name: "webauthn.js",
    type: "text/javascript; charset=utf-8",
    // The package exports no path to its browser bundle: it sits next to its CommonJS entry.
    body: readFileSync(
      path.join(path.dirname(require.resolve("@simplewebauthn/browser")), "../dist/bundle/index.umd.min.js"),
    ),
  },
  { name: "favicon.ico", type: "image/x-icon", body: read("favicon.ico") },
  { name: "favicon.svg", type: "image/svg+xml", body: read("favicon.svg") },
]);

/** The helper templates call: `it.asset("app.css")`. */
export const assetUrl = (name: string): string => assets.url(name);
