/**
 * Shared setup for the authentication tests: a town's tenant id, and fresh Séné parent
 * accounts (own household each) that a test can block, sign in or change freely.
 */
import { randomBytes } from "node:crypto";
import { hashPassword } from "../../src/auth/password.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import type { TestPlatform } from "./platform.ts";

/** The tenant id of a town of the demo data, by slug. */
export const tenantOf = (p: TestPlatform, slug: string) => {
  const id = p.tenants.get(slug);
  if (!id) throw new Error(`no town ${slug}`);
  return id;
};

/** How one test file names its fresh accounts, so that they never collide with another file's. */
export interface ParentStyle {
  /** E-mail local part before the sequence number: `${emailPrefix}${n}.<hex>@sene.test`. */
  emailPrefix: string;
  /** Household numbers are `${numberBase + n}`. */
  numberBase: number;
  /** Household « Famille ${label} n », last name `${label}${n}`. */
  label: string;
  firstName: string;
  civility: string;
}

/** Creates the n-th fresh Séné parent account (own household) with the given password. */
export async function createSeneParent(
  p: TestPlatform,
  n: number,
  style: ParentStyle,
  password = DEMO_PASSWORD,
) {
  const tenantId = tenantOf(p, "sene");
  const email = `${style.emailPrefix}${n}.${randomBytes(3).toString("hex")}@sene.test`;
  const digest = await hashPassword(password);
  const id = await p.db.withTenant({ role: "app_staff", tenantId }, async (trx) => {
    const h = await trx
      .insertInto("households")
      .values({ tenant_id: tenantId, number: `${style.numberBase + n}`, name: `Famille ${style.label} ${n}` })
      .returning("id")
      .executeTakeFirstOrThrow();
    const u = await trx
      .insertInto("users")
      .values({
        tenant_id: tenantId,
        kind: "parent",
        household_id: h.id,
        civility: style.civility,
        first_name: style.firstName,
        last_name: `${style.label}${n}`,
        email,
        password_hash: digest,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return u.id;
  });
  return { id, email, password };
}

/** A numbered source of fresh Séné parents in one style: each call makes the next account. */
export function seneParents(style: ParentStyle) {
  let seq = 0;
  return (p: TestPlatform, password = DEMO_PASSWORD) => createSeneParent(p, ++seq, style, password);
}
