import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import type { Page } from "playwright-core";
import { checkA11y } from "./browser.ts";
import { nextCode } from "./totp.ts";

/** The TOTP keys enrolled in this test file, by account (what the person's phone holds). */
const keys = new Map<string, Uint8Array>();

/**
 * On the page after the password (…/connexion/code): enrols the second factor with the key the
 * page shows, as a phone would scan it, then goes on; or gives the current code of the key
 * enrolled earlier in this file. axe-core runs on each of these pages.
 */
export async function giveSecondFactor(page: Page, account: string): Promise<void> {
  await page.waitForURL((u) => u.pathname.endsWith("/connexion/code"));
  await checkA11y(page);
  const enrolling = (await page.getByText("ajoutez un compte avec cette clé").count()) > 0;
  if (enrolling) {
    const secret = await page.locator("main li code").first().innerText();
    keys.set(account, decodeBase32IgnorePadding(secret.replace(/ /g, "")));
  }
  const key = keys.get(account);
  if (!key) throw new Error(`no second factor enrolled for ${account} in this file`);
  await page.getByLabel(/^Code/).fill(nextCode(key));
  if (!enrolling) {
    await page.getByRole("button", { name: "Valider" }).click();
    await page.waitForURL((u) => !u.pathname.endsWith("/connexion/code"));
    return;
  }
  await page.getByRole("button", { name: "Activer la double authentification" }).click();
  await page.getByRole("heading", { name: "Vos codes de secours" }).waitFor();
  await checkA11y(page);
  await page.getByRole("link", { name: "Retour à l'accueil" }).click();
  await page.waitForURL((u) => !u.pathname.endsWith("/connexion/code"));
}
