import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assetTable } from "../../src/http/assets.ts";
import { pickEncoding } from "../../src/http/compression.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

const HOST = "sene.localhost:3000";

function get(pathname: string, headers: Record<string, string> = {}, host = HOST) {
  return p.app.request(`http://127.0.0.1${pathname}`, { headers: { Host: host, ...headers } });
}

async function bytes(res: Response) {
  return Buffer.from(await res.arrayBuffer());
}

/** The URLs the public page links: stylesheet, scripts, icons. */
async function linkedAssets(): Promise<string[]> {
  const html = await (await get("/connexion")).text();
  return [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
}

describe("bytes on the wire", () => {
  it("compress pages with brotli or gzip for the clients that accept them, and only them", async () => {
    const plain = await get("/connexion");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("vary")).toMatch(/accept-encoding/i);
    const html = await bytes(plain);
    expect(html.toString()).toContain("<h1");

    const br = await get("/connexion", { "Accept-Encoding": "gzip, deflate, br" });
    expect(br.headers.get("content-encoding")).toBe("br");
    const brBody = await bytes(br);
    expect(brBody.length).toBeLessThan(html.length / 2);
    expect(brotliDecompressSync(brBody).toString()).toContain("<h1");

    const gz = await get("/connexion", { "Accept-Encoding": "gzip" });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(await bytes(gz)).toString()).toContain("<h1");

    const refused = await get("/connexion", { "Accept-Encoding": "br;q=0, gzip;q=0" });
    expect(refused.headers.get("content-encoding")).toBeNull();
  });

  it("serve every linked asset fingerprinted, compressed and cached for a year", async () => {
    const urls = await linkedAssets();
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) {
      expect(url, url).toMatch(/^\/assets\/[\w-]+\.[0-9a-f]{10}\.\w+$/);
      const res = await get(url, { "Accept-Encoding": "br, gzip" });
      expect(res.status, url).toBe(200);
      expect(res.headers.get("cache-control"), url).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("x-content-type-options"), url).toBe("nosniff");
      if (/\.(css|js)$/.test(url)) expect(res.headers.get("content-encoding"), url).toBe("br");
    }
    const css = urls.find((u) => u.endsWith(".css")) as string;
    const gz = await get(css, { "Accept-Encoding": "gzip" });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    const plain = await bytes(await get(css));
    expect(gunzipSync(await bytes(gz)).equals(plain)).toBe(true);
    expect((await get(css.replace(/\.[0-9a-f]{10}\./, ".0000000000."))).status).toBe(404);
  });

  it("give each asset a new URL when its content changes, the same when it does not", () => {
    const css = (body: string) =>
      assetTable([{ name: "app.css", type: "text/css", body: Buffer.from(body) }]);
    const before = css("body{color:black}").url("app.css");
    expect(css("body{color:black}").url("app.css")).toBe(before);
    expect(css("body{color:navy}").url("app.css")).not.toBe(before);
  });

  it("answer /favicon.ico on every host with a town-neutral icon, and link it", async () => {
    for (const host of [HOST, "plombieres.localhost:3000", "admin.localhost:3000", "foo.localhost:3000"]) {
      const res = await get("/favicon.ico", {}, host);
      expect(res.status, host).toBe(200);
      expect(res.headers.get("content-type"), host).toBe("image/x-icon");
      expect((await bytes(res)).subarray(0, 4).equals(Buffer.from([0, 0, 1, 0])), host).toBe(true);
    }
    expect((await linkedAssets()).some((u) => /^\/assets\/favicon\.[0-9a-f]{10}\.ico$/.test(u))).toBe(true);
  });

  it("read Accept-Encoding with its weights", () => {
    expect(pickEncoding(undefined)).toBeNull();
    expect(pickEncoding("gzip, br")).toBe("br");
    expect(pickEncoding("br;q=0, gzip")).toBe("gzip");
    expect(pickEncoding("*")).toBe("br");
    expect(pickEncoding("identity")).toBeNull();
  });
});
