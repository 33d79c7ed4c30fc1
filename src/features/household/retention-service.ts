import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

/**
 * An erased household's file keeps what public accounting needs (its number, name and address
 * on invoices and payments); the guardians' details and the household's contact, income and
 * bank details go.
 */
export async function eraseHouseholdFile(trx: Trx, householdId: string): Promise<void> {
  await trx
    .updateTable("guardians")
    .set({ first_name: "–", last_name: "–", birth_date: null, address_line: null, postal_code: null })
    .set({ city: null, email: null, phone_home: null, phone_mobile: null, phone_work: null })
    .set({ profession: null, employer: null, employer_address: null })
    .where("household_id", "=", householdId)
    .execute();
  await trx
    .updateTable("households")
    .set({ phone_main: null, phone_other: null, caf_number: null, family_quotient: null })
    .set({ fiscal_income_cents: null, tax_shares: null, iban: null, bic: null, account_holder: null })
    .set({ erased_at: sql`now()` })
    .where("id", "=", householdId)
    .execute();
}
