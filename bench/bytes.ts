/**
 * Issue 17 item 6, bytes on the wire: the public page of a town (its home for a visitor, after
 * its redirect) and every stylesheet, script and icon it links, asked as a browser asks
 * (`Accept-Encoding: br, gzip`): encoded or not, bytes sent against bytes of content, and the
 * cache policy of the fingerprinted assets; /favicon.ico. Then Lighthouse's performance score of
 * that page (lighthouse, a dev dependency, driving /usr/bin/chromium or CHROME_PATH).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { benchDir, httpRequest } from "./proc.ts";

export interface Fetched {
  path: string;
  status: number;
  encoding: string;
  sent: number;
  content: number;
  cacheControl: string;
}

export interface BytesReport {
  publicPath: string;
  page: Fetched;
  assets: Fetched[];
  favicon: Fetched;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

async function fetchRaw(port: number, host: string, target: string): Promise<Fetched & { body: Buffer }> {
  const res = await httpRequest(port, {
    path: target,
    headers: { host, "accept-encoding": "br, gzip" },
    raw: true,
  });
  const body = res.raw ?? Buffer.alloc(0);
  const encoding = String(res.headers["content-encoding"] ?? "");
  const plain =
    encoding === "br" ? brotliDecompressSync(body) : encoding === "gzip" ? gunzipSync(body) : body;
  return {
    path: target,
    status: res.status,
    encoding: encoding || "none",
    sent: body.length,
    content: plain.length,
    cacheControl: String(res.headers["cache-control"] ?? ""),
    body: plain,
  };
}

/** The public page (a town's home for a visitor, redirect followed once) and what it links. */
export async function measureBytes(port: number, host: string): Promise<BytesReport> {
  const first = await httpRequest(port, { path: "/", headers: { host } });
  const location = String(first.headers.location ?? "/");
  const publicPath = first.status >= 300 && first.status < 400 ? new URL(location, "http://x").pathname : "/";
  const { body, ...page } = await fetchRaw(port, host, publicPath);
  const html = body.toString("utf8");
  const linked = new Set<string>();
  for (const m of html.matchAll(/<(?:link|script)\b[^>]*?(?:href|src)="(\/assets\/[^"]+)"/g))
    if (m[1]) linked.add(m[1]);
  const assets: Fetched[] = [];
  for (const a of linked) {
    const { body: _, ...f } = await fetchRaw(port, host, a);
    assets.push(f);
  }
  const { body: __, ...favicon } = await fetchRaw(port, host, "/favicon.ico");
  return { publicPath, page, assets, favicon };
}

const compressible = (f: Fetched) => /\.(css|js|svg)$/.test(f.path);

export function bytesChecks(r: BytesReport) {
  const pageOk = r.page.status === 200 && r.page.encoding !== "none";
  const texts = r.assets.filter(compressible);
  const textsOk = texts.length > 0 && texts.every((f) => f.status === 200 && f.encoding !== "none");
  const fingerprinted = r.assets.filter((f) => /\.[0-9a-f]{10}\.\w+$/.test(f.path));
  const cacheOk =
    r.assets.length > 0 &&
    fingerprinted.length === r.assets.length &&
    r.assets.every((f) => f.cacheControl === IMMUTABLE);
  return { pageOk, textsOk, cacheOk, faviconOk: r.favicon.status === 200 && r.favicon.content > 0 };
}

export function bytesLines(r: BytesReport): string[] {
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const one = (f: Fetched) =>
    `${f.path} ${f.status} ${f.encoding} ${kib(f.sent)} sent for ${kib(f.content)} (cache: ${f.cacheControl || "none"})`;
  const all = [r.page, ...r.assets];
  return [
    `bytes on the wire, public page ${r.publicPath} with what it links (Accept-Encoding: br, gzip): ` +
      `${kib(all.reduce((n, f) => n + f.sent, 0))} sent for ${kib(all.reduce((n, f) => n + f.content, 0))}`,
    ...[...all, r.favicon].map((f) => `  ${one(f)}`),
  ];
}

export interface LighthouseResult {
  score: number | null;
  metrics: Record<string, number>;
  problem?: string;
}

/** Lighthouse (default mobile preset, simulated throttling) on a URL, in its own process. */
export function runLighthouse(url: string, dir: string): Promise<LighthouseResult> {
  const cli = path.join(benchDir, "../node_modules/lighthouse/cli/index.js");
  const chrome = process.env.CHROME_PATH ?? "/usr/bin/chromium";
  if (!existsSync(cli))
    return Promise.resolve({ score: null, metrics: {}, problem: "lighthouse not installed" });
  const out = path.join(dir, "lighthouse.json");
  const args = [
    cli,
    url,
    "--only-categories=performance",
    "--output=json",
    `--output-path=${out}`,
    "--quiet",
    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
  ];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, CHROME_PATH: chrome }, timeout: 180_000, maxBuffer: 16 * 2 ** 20 },
      (err, _stdout, stderr) => {
        if (err && !existsSync(out))
          return resolve({
            score: null,
            metrics: {},
            problem: `${String(err).slice(0, 200)} ${stderr.slice(-400)}`,
          });
        const lhr = JSON.parse(readFileSync(out, "utf8")) as {
          categories: { performance?: { score: number | null } };
          audits: Record<string, { numericValue?: number }>;
          runtimeError?: { message: string };
        };
        const metrics: Record<string, number> = {};
        for (const k of [
          "first-contentful-paint",
          "largest-contentful-paint",
          "total-blocking-time",
          "cumulative-layout-shift",
          "speed-index",
        ]) {
          const v = lhr.audits[k]?.numericValue;
          if (v !== undefined) metrics[k] = v;
        }
        const score = lhr.categories.performance?.score ?? null;
        resolve({
          score: score === null ? null : Math.round(score * 100),
          metrics,
          problem: lhr.runtimeError?.message,
        });
      },
    );
  });
}

export function lighthouseLine(r: LighthouseResult, url: string): string {
  if (r.score === null) return `Lighthouse performance of ${url}: no score (${r.problem ?? "unknown"})`;
  const m = r.metrics;
  const ms = (k: string) => (m[k] === undefined ? "n/a" : `${Math.round(m[k] as number)} ms`);
  return (
    `Lighthouse performance of ${url} (mobile preset, simulated 4G throttling): ${r.score}/100; ` +
    `FCP ${ms("first-contentful-paint")}, LCP ${ms("largest-contentful-paint")}, TBT ${ms("total-blocking-time")}, ` +
    `speed index ${ms("speed-index")}, CLS ${(m["cumulative-layout-shift"] ?? 0).toFixed(3)}`
  );
}
