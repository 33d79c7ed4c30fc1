import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_OPERATOR, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { queueMail } from "../../src/integrations/mail/outbox.ts";
import { lastId, type Mailbox } from "../../src/integrations/mail/sink.ts";
import { createPayment, paymentPageUrl, soapEndpoint } from "../../src/integrations/payfip/client.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E } from "../helpers/browser.ts";
import { checkPage, crawl, overflow, PHONE } from "../helpers/crawl.ts";
import { MAIL_SAMPLES } from "../helpers/mail-samples.ts";
import { giveSecondFactor } from "../helpers/second-factor-browser.ts";

// Every page each demo account can reach by following links, on a phone (375×812) and on a
// desktop (1280×800): nothing scrolls sideways and axe-core finds nothing. Links are followed
// as found, so pages added later are covered; one page per path pattern and audience (a page
// that the Séné parent had was not checked again for the Sennecey parent) keeps it bounded.
// The PayFiP simulator's pages (payment, return, errors) are checked the same way, with the
// longest values PayFiP accepts.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const SKIP = /^\/(agents\/)?(deconnexion|logout)|\/activation\//;
const MAX_PAGES = 25;

interface Account {
  audience: "parent" | "staff" | "operator";
  host: string;
  login: string;
  identifier: string;
  start: string;
}

const ACCOUNTS: Account[] = [
  { audience: "parent", host: "sene", login: "/connexion", identifier: "lola.test@sene.test", start: "/" },
  {
    audience: "parent",
    host: "senneceylesdijon",
    login: "/connexion",
    identifier: "parent1.mairie@senneceylesdijon.test",
    start: "/",
  },
  { audience: "parent", host: "plombieres", login: "/connexion", identifier: "jdupont", start: "/" },
  ...["sene", "senneceylesdijon", "plombieres"].flatMap((town) =>
    ["admin", "agent"].map((who) => ({
      audience: "staff" as const,
      host: town,
      login: "/agents/connexion",
      identifier: `${who}@${town}.test`,
      start: "/agents",
    })),
  ),
  { audience: "operator", host: "admin", login: "/connexion", identifier: DEMO_OPERATOR.email, start: "/" },
];
const seen = { parent: new Set<string>(), staff: new Set<string>(), operator: new Set<string>() };

describe("every page, on a phone and on a desktop", () => {
  it.each(ACCOUNTS.map((a) => [`${a.identifier} (${a.host})`, a] as const))(
    "%s: no sideways scroll, no axe violation",
    { timeout: 240_000 },
    async (_name, account) => {
      const p = await e2e.newPage();
      await p.page.goto(e2e.url(account.host, account.login));
      await p.page.locator("main input[name=identifier]").fill(account.identifier);
      await p.page.locator("main input[name=password]").fill(DEMO_PASSWORD);
      await p.page.locator("main form button[type=submit]").click();
      await p.page.waitForURL((u) => !u.pathname.endsWith("/connexion"));
      if (account.audience === "operator") await giveSecondFactor(p.page, account.identifier);
      const { problems, visited } = await crawl(p.page, {
        start: e2e.url(account.host, account.start),
        skip: SKIP,
        maxPages: MAX_PAGES,
        seen: seen[account.audience],
      });
      await p.context.close();
      expect(visited.length).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    },
  );
});

describe("every kind of e-mail, opened in the dev mailbox", () => {
  it("shows each as text and as HTML in the town's colours, lists as lists", {
    timeout: 120_000,
  }, async () => {
    const site = await e2e.platform.deps.sites.resolve(`sene.localhost:${e2e.port}`);
    if (site.kind !== "tenant") throw new Error("Séné is not served");
    const mailbox = e2e.platform.deps.mailbox as Mailbox;
    const since = lastId(mailbox);
    const templates = Object.keys(MAIL_SAMPLES);
    await e2e.platform.deps.db.withTenant({ role: "app_staff", tenantId: site.tenant.id }, async (trx) => {
      for (const template of templates) {
        await queueMail(trx, site.tenant, {
          to: `${template}@example.test`,
          template,
          data: MAIL_SAMPLES[template] ?? {},
        });
      }
    });
    const p = await e2e.newPage(PHONE);
    for (const template of templates) {
      const mail = await mailbox.waitFor(`${template}@example.test`, { since });
      await p.page.goto(e2e.url("mail", `/messages/${mail.id}`));
      expect(await p.page.locator("main h1").innerText()).toBe(mail.subject);
      expect(await p.page.locator(".mail-body").innerText()).toContain("Bonjour Hélène");
      // The text page is the same page for every message: axe once; each HTML part differs.
      if (template === templates[0]) await checkA11y(p.page);
      expect(await overflow(p.page)).toBe(0);
      await p.page.getByRole("link", { name: "Voir la version HTML" }).click();
      await p.page.getByText("Accéder à votre portail famille").waitFor();
      expect(await p.page.locator("header").evaluate((h) => getComputedStyle(h).backgroundColor)).not.toBe(
        "rgba(0, 0, 0, 0)",
      );
      expect(
        await p.page.locator("header img").evaluate((i) => (i as HTMLImageElement).naturalWidth),
      ).toBeGreaterThan(0);
      if (/\n- /.test(mail.text))
        expect(await p.page.locator("main ul > li").count()).toBeGreaterThanOrEqual(2);
      await checkA11y(p.page);
      expect(await overflow(p.page)).toBe(0);
    }
    expectNoPageErrors(p);
  });
});

describe("the PayFiP simulator's pages", () => {
  it("payment, return and error pages: no sideways scroll, no axe violation", {
    timeout: 60_000,
  }, async () => {
    const base = e2e.platform.payfipUrl as string;
    const simulator = new URL(base).origin;
    // The longest values PayFiP accepts: an 80-character address, a 30-character reference.
    const { idOp } = await createPayment({
      endpoint: soapEndpoint(base),
      numcli: "090909",
      exer: 2026,
      refdet: "AL202600004200000000000000042X",
      objet: "Facture AL-2026-0042 accueil periscolaire et restauration scolaire de novembre",
      montantCents: 1_234_567,
      mel: "mariehelene.delafontainedupont.famillenombreuse@senneceylesdijon.example",
      urlnotif: "http://127.0.0.1:9/notification",
      urlredirect: e2e.url("senneceylesdijon", "/paiement/retour"),
      saisie: "T",
    });
    const p = await e2e.newPage(PHONE);
    // Let the browser reach the simulator; its return script stays out, so the page waits.
    await p.context.route(
      (url) => url.origin === simulator,
      (route) => route.continue(),
    );
    await p.context.route(`${simulator}/tpa/retour.js`, (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: "" }),
    );
    const problems: string[] = [];
    const check = async (heading: string) => {
      await p.page.getByRole("heading", { level: 1, name: heading }).waitFor();
      problems.push(...(await checkPage(p.page)));
    };
    await p.page.goto(paymentPageUrl(base, idOp));
    await check("Paiement en ligne");
    // A phone's finger finds each outcome: full-width buttons at least 44 px high.
    await p.page.setViewportSize(PHONE);
    const buttons = await p.page
      .locator("main button")
      .evaluateAll((bs) =>
        bs.map((b) => [b.getBoundingClientRect().width, b.getBoundingClientRect().height]),
      );
    expect(buttons).toHaveLength(5);
    for (const [width, height] of buttons) {
      expect(height).toBeGreaterThanOrEqual(44);
      expect(width).toBeGreaterThan(PHONE.width / 2);
    }
    await p.page.getByRole("button", { name: "Payer par carte bancaire (paiement accepté)" }).click();
    await check("Paiement terminé");
    await p.page.goto(paymentPageUrl(base, idOp));
    await check("Paiement impossible");
    await p.page.goto(paymentPageUrl(base, "inconnu"));
    await check("Paiement impossible");
    expect(problems).toEqual([]);
  });
});
