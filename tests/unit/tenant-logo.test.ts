import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { tenantsDir } from "../../src/tenancy/files.ts";
import { checkLogo } from "../../src/tenancy/logo.ts";

const file = (content: string | Buffer, name = "logo.svg") =>
  new File([typeof content === "string" ? content : new Uint8Array(content)], name);

describe("a town's logo", () => {
  it("keeps a plain SVG logo (every demo town's)", async () => {
    for (const slug of ["sene", "senneceylesdijon", "plombieres"]) {
      const r = await checkLogo(file(readFileSync(path.join(tenantsDir, `${slug}.svg`))));
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
  });

  it.each([
    ['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"],
    ['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', "onload"],
    ['<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>', "<a>"],
    ['<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.test/x.svg#a"/></svg>', "extérieure"],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
      "foreignObject",
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.test/a)"/></svg>',
      "interdite",
    ],
  ])("refuses %s with a French reason", async (svg, reason) => {
    const r = await checkLogo(file(svg));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(reason);
  });

  it("refuses an SVG with entities, and what is not an image", async () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>';
    expect(await checkLogo(file(bomb))).toEqual({ ok: false, error: "Ce fichier SVG est illisible." });
    expect((await checkLogo(file("bonjour", "logo.png"))).ok).toBe(false);
  });

  it("re-encodes a PNG inside an SVG, dropping everything but the pixels", async () => {
    const png = await sharp({ create: { width: 40, height: 20, channels: 3, background: "#336699" } })
      .png()
      .withMetadata({ exif: { IFD0: { Copyright: "secret-marker" } } })
      .toBuffer();
    const r = await checkLogo(file(png, "logo.png"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 40 20"><image/);
    const data = Buffer.from(r.svg.match(/base64,([^"]+)/)?.[1] ?? "", "base64");
    expect(data.includes("secret-marker")).toBe(false);
    expect((await sharp(data).metadata()).format).toBe("png");
  });
});
