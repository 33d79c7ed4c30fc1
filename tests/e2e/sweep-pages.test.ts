import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueMail } from "../../src/integrations/mail/outbox.ts";
import { lastId, type Mailbox } from "../../src/integrations/mail/sink.ts";
import { createPayment, paymentPageUrl, soapEndpoint } from "../../src/integrations/payfip/client.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E } from "../helpers/browser.ts";
import { checkPage, overflow, PHONE } from "../helpers/crawl.ts";
import { MAIL_SAMPLES } from "../helpers/mail-samples.ts";
import { OPERATORS, sweepEveryPage } from "../helpers/sweep.ts";

// The operator's pages (tests/helpers/sweep.ts; the parents' and the staff's have their own
// files), every kind of e-mail in the dev mailbox, and the PayFiP simulator's pages (payment,
// return, errors) with the longest values PayFiP accepts: no sideways scroll, no axe violation.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

sweepEveryPage(() => e2e, OPERATORS);

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
