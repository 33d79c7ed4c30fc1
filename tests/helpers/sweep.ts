import { describe, expect, it } from "vitest";
import { DEMO_OPERATOR, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import type { E2E } from "./browser.ts";
import { crawl } from "./crawl.ts";
import { giveSecondFactor } from "./second-factor-browser.ts";

// Every page each demo account can reach by following links, on a phone (375×812) and on a
// desktop (1280×800): nothing scrolls sideways and axe-core finds nothing. Links are followed
// as found, so pages added later are covered; one page per path pattern and audience (a page
// that the Séné parent had was not checked again for the Sennecey parent) keeps it bounded.
// One file per audience (tests/e2e/sweep-*.test.ts), so that the workers share the sweep.

const SKIP = /^\/(agents\/)?(deconnexion|logout)|\/activation\//;
const MAX_PAGES = 25;

interface Account {
  host: string;
  login: string;
  identifier: string;
  start: string;
  /** Operators give their second factor (mandatory) after the password. */
  secondFactor?: true;
}

export const PARENTS: Account[] = [
  { host: "sene", login: "/connexion", identifier: "lola.test@sene.test", start: "/" },
  {
    host: "senneceylesdijon",
    login: "/connexion",
    identifier: "parent1.mairie@senneceylesdijon.test",
    start: "/",
  },
  { host: "plombieres", login: "/connexion", identifier: "jdupont", start: "/" },
];

export const STAFF: Account[] = ["sene", "senneceylesdijon", "plombieres"].flatMap((town) =>
  ["admin", "agent"].map((who) => ({
    host: town,
    login: "/agents/connexion",
    identifier: `${who}@${town}.test`,
    start: "/agents",
  })),
);

export const OPERATORS: Account[] = [
  { host: "admin", login: "/connexion", identifier: DEMO_OPERATOR.email, start: "/", secondFactor: true },
];

/** The sweep of one audience's accounts, in order: a path pattern seen by one is not visited again. */
export function sweepEveryPage(e2e: () => E2E, accounts: Account[]): void {
  const seen = new Set<string>();
  describe("every page, on a phone and on a desktop", () => {
    it.each(accounts.map((a) => [`${a.identifier} (${a.host})`, a] as const))(
      "%s: no sideways scroll, no axe violation",
      { timeout: 240_000 },
      async (_name, account) => {
        const p = await e2e().newPage();
        await p.page.goto(e2e().url(account.host, account.login));
        await p.page.locator("main input[name=identifier]").fill(account.identifier);
        await p.page.locator("main input[name=password]").fill(DEMO_PASSWORD);
        await p.page.locator("main form button[type=submit]").click();
        await p.page.waitForURL((u) => !u.pathname.endsWith("/connexion"));
        if (account.secondFactor) await giveSecondFactor(p.page, account.identifier);
        const { problems, visited } = await crawl(p.page, {
          start: e2e().url(account.host, account.start),
          skip: SKIP,
          maxPages: MAX_PAGES,
          seen,
        });
        await p.context.close();
        expect(visited.length).toBeGreaterThan(0);
        expect(problems).toEqual([]);
      },
    );
  });
}
