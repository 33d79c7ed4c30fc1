import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { availableCredit } from "../payments/credit-ledger.ts";
import { ibanOnFile, maskIban, refundsOf } from "../payments/refunds/refund-service.ts";
import { regiesByName } from "../settings/settings-service.ts";
import { statementFor } from "./statement.ts";

/** The school year a day belongs to: "2026-2027" from 1 September 2026 to 31 August 2027. */
export function schoolYearOf(day: string): string {
  const y = Number(day.slice(0, 4));
  return Number(day.slice(5, 7)) >= 9 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
}

/** School years in which the household has an invoice or a payment, and the current one, newest first. */
async function yearsOf(trx: Trx, householdId: string, today: string): Promise<string[]> {
  const rows = await sql<{ day: string }>`
    select issued_on::text as day from invoices where household_id = ${householdId}
    union select received_on::text from payments where household_id = ${householdId}`.execute(trx);
  const years = new Set([schoolYearOf(today), ...rows.rows.map((r) => schoolYearOf(r.day))]);
  return [...years].sort().reverse();
}

/**
 * « Relevé de compte »: the school year and régie asked for (an unknown one falls back to the
 * current year and to the régie of the household's latest invoice), the choices, the statement.
 */
export async function statementPage(
  trx: Trx,
  householdId: string,
  today: string,
  asked: { year?: string; regieId?: string },
) {
  const years = await yearsOf(trx, householdId, today);
  const regies = await regiesByName(trx);
  const latest = await trx
    .selectFrom("invoices")
    .select("regie_id")
    .where("household_id", "=", householdId)
    .orderBy("issued_on", "desc")
    .executeTakeFirst();
  const year = years.find((y) => y === asked.year) ?? schoolYearOf(today);
  const regie =
    regies.find((r) => r.id === asked.regieId) ?? regies.find((r) => r.id === latest?.regie_id) ?? regies[0];
  const statement = regie ? await statementFor(trx, householdId, regie.id, year) : null;
  const account = regie ? { householdId, regieId: regie.id } : null;
  return {
    years,
    year,
    regies,
    regie: regie ?? null,
    statement,
    credit: account ? await availableCredit(trx, account) : 0,
    refunds: account ? await refundsOf(trx, householdId, account.regieId) : [],
    bank: await ibanOnFile(trx, householdId).then((b) => b && { iban: maskIban(b.iban), holder: b.holder }),
  };
}
