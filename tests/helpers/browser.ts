import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { loadEnv } from "../../src/env.ts";
import { createLogger } from "../../src/lib/log.ts";
import { type Platform, startPlatform } from "../../src/platform.ts";
import { LOGIN } from "./constants.ts";
import { cloneTemplate } from "./db.ts";
import { freePort } from "./ports.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export interface E2E {
  platform: Platform;
  browser: Browser;
  port: number;
  /** http://<host>.localhost:<port><path>: Chromium resolves *.localhost to loopback. */
  url(host: string, pathname?: string): string;
  /**
   * A fresh browser profile (its own cookies), as a separate person or device would have.
   * Every request to another host than *.localhost is answered by `external` and recorded in
   * `outside`; errors in the page (console errors, CSP refusals, uncaught exceptions) land in
   * `errors`, which `expectNoPageErrors` checks.
   */
  newPage(viewport?: { width: number; height: number }): Promise<E2EPage>;
  close(): Promise<void>;
}

export interface E2EPage {
  page: Page;
  context: BrowserContext;
  outside: string[];
  errors: string[];
}

/**
 * One running platform (demo data, mail sink, job worker, HTTP server) in a temporary DATA_DIR,
 * on its own database: a copy of the run's migrated template (tests/helpers/global-setup.ts),
 * which the platform prepares and seeds as any boot does; and one Chromium. The embedded
 * cluster's own boot is covered by the operations tests (ops-*, lifecycle, connections).
 */
/**
 * A fresh platform and browser. The port is chosen free, then bound a moment later: another
 * test file's server may take it in between (EADDRINUSE), so that start is tried again.
 */
export async function startE2E(): Promise<E2E> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt === 3) throw err;
    }
  }
}

async function startOnce(): Promise<E2E> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "parvis-e2e-"));
  // As root, PostgreSQL runs as the "postgres" user, who must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const stops: (() => Promise<void>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const database = await cloneTemplate();
    stops.push(() => database.drop());
    const port = await freePort();
    const env = loadEnv({
      NODE_ENV: "test",
      DEMO: "true",
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: database.ownerUrl,
      APP_DB_USER: LOGIN.user,
      APP_DB_PASSWORD: LOGIN.password,
      DB_POOL_SIZE: "4",
    });
    const platform = await startPlatform(env, createLogger(env.LOG_LEVEL, false), { listen: true });
    stops.push(() => platform.close());
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    stops.push(() => browser.close());
    return session(platform, browser, stopAll);
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function session(platform: Platform, browser: Browser, stopAll: () => Promise<void>): E2E {
  const contexts = new Set<BrowserContext>();
  return {
    platform,
    browser,
    port: platform.port,
    url: (host, pathname = "/") => `http://${host}.localhost:${platform.port}${pathname}`,
    async newPage(viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ viewport, locale: "fr-FR", timezoneId: "Europe/Paris" });
      contexts.add(context);
      context.setDefaultTimeout(10_000);
      const outside: string[] = [];
      const errors: string[] = [];
      await context.route(
        (url) => !(url.hostname === "localhost" || url.hostname.endsWith(".localhost")),
        (route) => {
          outside.push(route.request().url());
          return route.fulfill({
            status: 200,
            contentType: "text/html",
            body: "<title>Hors portail</title>",
          });
        },
      );
      const page = await context.newPage();
      page.on("console", (m) => {
        // A 4xx answer to an htmx request is logged by Chromium; it is the page working as meant.
        if (m.type() === "error" && !/^Failed to load resource: .* status of 4\d\d/.test(m.text())) {
          errors.push(`console: ${m.text()}`);
        }
      });
      page.on("pageerror", (e) => errors.push(`exception: ${e.message}`));
      return { page, context, outside, errors };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await stopAll();
    },
  };
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

/**
 * Runs axe-core (WCAG 2.1 A and AA) on the page as it is now and throws with every violation.
 * The page's CSP forbids inline scripts, so axe is evaluated through the DevTools protocol
 * (page.evaluate), which CSP does not govern, rather than added as a <script>.
 */
export async function checkA11y(page: Page): Promise<void> {
  await page.waitForLoadState("load");
  // Let an htmx swap in flight land before looking.
  await page.waitForFunction(() => !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling"));
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run(c: Document, o: unknown): Promise<unknown> } }).axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      }),
    WCAG_21_AA,
  )) as AxeResult;
  if (result.violations.length) {
    const lines = result.violations.map(
      (v) =>
        `- ${v.id} (${v.impact ?? "?"}): ${v.help}\n    ${v.nodes.map((n) => JSON.stringify(n.target)).join("\n    ")}`,
    );
    throw new Error(`axe: ${result.violations.length} violation(s) on ${page.url()}\n${lines.join("\n")}`);
  }
}

/** Fails when the page logged an error (a CSP refusal, an exception in htmx or app.js). */
export function expectNoPageErrors(p: E2EPage): void {
  if (p.errors.length) throw new Error(`errors in the page:\n${p.errors.join("\n")}`);
}

type Marked = { parvisMarked?: boolean };

/** Marks the current document; `swappedInPlace` tells later whether it is still the same one. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as Marked).parvisMarked = true;
  });
}

/** True when no full page load happened since markDocument: htmx (hx-boost) swapped the page in place. */
export function swappedInPlace(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as Marked).parvisMarked === true);
}

/** Describes the focused element, to check where focus went after an htmx swap. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "body";
    return `${el.tagName.toLowerCase()}${el.getAttribute("role") ? `[role=${el.getAttribute("role")}]` : ""}: ${el.textContent?.trim().slice(0, 60)}`;
  });
}

/** The text as shown on screen (Playwright's Locator.innerText: hidden parts left out, lines kept). */
export function textOf(locator: Locator): Promise<string> {
  return locator.innerText();
}
