import { generateHOTP, generateTOTP } from "@oslojs/otp";
import type { Kysely } from "kysely";
import type { DB } from "../../src/db/types.ts";

/**
 * A TOTP code serves once (the factor keeps the last time step it accepted). Tests sign the
 * same account in many times a minute, as no person does: these give a code as a later login
 * would.
 */

/**
 * The current code, in a new window: forgets the last step every factor of this file's
 * database accepted, as if 30 s had passed since.
 */
export async function codeOfNewWindow(owner: Kysely<DB>, key: Uint8Array): Promise<string> {
  await owner.updateTable("second_factors").set({ last_used_step: null }).execute();
  await owner.updateTable("operator_second_factors").set({ last_used_step: null }).execute();
  return generateTOTP(key, 30, 6);
}

const given = new Map<string, number>();

/**
 * Without the database (a browser test): the current code, or at a second login in the same
 * window the next step's code, which the server's one step of grace accepts.
 */
export function nextCode(key: Uint8Array): string {
  const id = Buffer.from(key).toString("hex");
  const step = Math.max(Math.floor(Date.now() / 30_000), (given.get(id) ?? Number.NEGATIVE_INFINITY) + 1);
  given.set(id, step);
  return generateHOTP(key, BigInt(step), 6);
}
