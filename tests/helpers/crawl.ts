import type { Page } from "playwright-core";
import { checkA11y } from "./browser.ts";

export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 800 };

/** A path as a pattern: ids, numbers and dates become placeholders, query values are dropped. */
export function pathPattern(url: URL): string {
  const pathname = url.pathname
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ":id")
    .replace(/\d{4}-\d{2}(-\d{2})?/g, ":date")
    .replace(/\d+/g, ":n");
  const keys = [...new Set(url.searchParams.keys())].sort().join("&");
  return keys ? `${pathname}?${keys}` : pathname;
}

/** Links worth following: same origin, plain GET pages (no file download, no sign-out). */
async function linksOf(page: Page, origin: string, skip: RegExp): Promise<URL[]> {
  const hrefs = await page.$$eval("a[href]:not([download])", (as) =>
    as.map((a) => (a as HTMLAnchorElement).href),
  );
  return hrefs
    .map((h) => new URL(h))
    .filter((u) => u.origin === origin && !skip.test(u.pathname) && !/\.(pdf|csv|svg|ics)$/.test(u.pathname));
}

/** Horizontal overflow of the page, in pixels (0 when nothing scrolls sideways). */
export function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** The elements that stick out on the right, to say what to fix. */
function culprits(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(-3)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} « ${el.textContent?.trim().slice(0, 30)} »`,
      );
  });
}

/** Checks the page at one width: no sideways scroll, axe-core 0 violations. */
async function checkAt(page: Page, size: { width: number; height: number }, problems: string[]) {
  await page.setViewportSize(size);
  const label = `${size.width}px ${new URL(page.url()).pathname}`;
  const wide = await overflow(page);
  if (wide > 0)
    problems.push(`${label}: scrolls sideways by ${wide}px (${(await culprits(page)).join(", ")})`);
  await checkA11y(page).catch((e: Error) => problems.push(`${label}: ${e.message}`));
}

/** The problems of the page as it is now, on a phone and on a desktop (none when it is fine). */
export async function checkPage(page: Page): Promise<string[]> {
  const problems: string[] = [];
  await checkAt(page, PHONE, problems);
  await checkAt(page, DESKTOP, problems);
  return problems;
}

export interface CrawlOptions {
  start: string;
  /** Paths never visited (sign-out, actions reached by GET on purpose…). */
  skip: RegExp;
  maxPages: number;
  /** Patterns already checked (by another account of the same audience): not visited again. */
  seen: Set<string>;
}

/**
 * Follows every same-origin link from `start`, once per path pattern, up to `maxPages`,
 * checking each HTML page on a phone and on a desktop. Returns the problems and the patterns seen.
 */
export async function crawl(page: Page, o: CrawlOptions): Promise<{ problems: string[]; visited: string[] }> {
  const origin = new URL(o.start).origin;
  const queue = [new URL(o.start)];
  const seen = o.seen;
  seen.add(pathPattern(queue[0] as URL));
  const problems: string[] = [];
  const visited: string[] = [];
  while (queue.length && visited.length < o.maxPages) {
    const url = queue.shift() as URL;
    const response = await page.goto(url.href).catch((err: Error) => {
      // A file to download (an export, a PDF) is no page to check.
      if (/Download is starting/.test(err.message)) return null;
      throw err;
    });
    if (!response?.headers()["content-type"]?.includes("text/html")) continue;
    if (new URL(page.url()).origin !== origin) continue;
    visited.push(pathPattern(url));
    if (response.status() >= 500) problems.push(`${url.pathname}: HTTP ${response.status()}`);
    problems.push(...(await checkPage(page)));
    for (const link of await linksOf(page, origin, o.skip)) {
      const key = pathPattern(link);
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(link);
      }
    }
  }
  return { problems, visited };
}
