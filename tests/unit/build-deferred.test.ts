import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { DEFERRED, deferPackages } from "../../src/build.ts";

/**
 * Issue 17 item 7: in the web bundle, the packages a cold start does not need are stand-ins
 * that load the package on first use. Built here with the same plugin, a module that imports
 * them as the sources do must find none loaded after its imports, and each working once used.
 */
const dir = mkdtempSync(path.join(tmpdir(), "parvis-deferred-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENTRY = `
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import sharp from "sharp";
import Holidays from "date-holidays";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { fileTypeFromBuffer } from "file-type";
import nodemailer from "nodemailer";
import { Logger, run, runMigrations } from "graphile-worker";
import { generateRegistrationOptions } from "@simplewebauthn/server";
const cache = createRequire(import.meta.url).cache;
const loaded = () => Object.keys(cache).filter((k) => /node_modules\\/(pdfkit|sharp|date-holidays|fast-xml-parser|file-type|nodemailer|graphile-worker|@simplewebauthn)\\//.test(k)).length;
const atBoot = loaded();
const doc = new PDFDocument();
const chunks = [];
doc.on("data", (c) => chunks.push(c));
const pdf = new Promise((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks).subarray(0, 5).toString())));
doc.text("Facture");
doc.end();
const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: "#ffffff" } }).png().toBuffer();
const logger = new Logger(() => () => {});
console.log(JSON.stringify({
  atBoot,
  pdf: await pdf,
  pdfIsDocument: doc instanceof PDFDocument,
  png: (await fileTypeFromBuffer(png))?.mime,
  holidays: new Holidays("FR").getHolidays(2026).length,
  xml: new XMLParser().parse("<a>1</a>").a,
  built: new XMLBuilder().build({ a: 1 }),
  mail: typeof nodemailer.createTransport,
  worker: [typeof run, typeof runMigrations, logger instanceof Logger],
  passkey: (await generateRegistrationOptions({ rpName: "Parvis", rpID: "localhost", userName: "x" })).rp.id,
  afterUse: loaded(),
}));
`;

describe("the web bundle's deferred packages", () => {
  it("are not loaded by the imports, and work through their stand-ins once used", async () => {
    writeFileSync(path.join(dir, "entry.mjs"), ENTRY);
    const out = path.join(dir, "out.mjs");
    await build({
      entryPoints: [path.join(dir, "entry.mjs")],
      outfile: out,
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      logLevel: "warning",
      plugins: [deferPackages],
    });
    const result = JSON.parse(execFileSync(process.execPath, [out], { encoding: "utf8" }));
    expect(result).toEqual({
      atBoot: 0,
      pdf: "%PDF-",
      pdfIsDocument: true,
      png: "image/png",
      holidays: expect.any(Number),
      xml: 1,
      built: "<a>1</a>",
      mail: "function",
      worker: ["function", "function", true],
      passkey: "localhost",
      afterUse: expect.any(Number),
    });
    expect(result.holidays).toBeGreaterThan(5);
    expect(result.afterUse).toBeGreaterThan(0);
    expect(Object.keys(DEFERRED)).toContain("pdfkit");
  }, 60_000);
});
