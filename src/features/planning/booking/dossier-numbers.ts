import { type RawBuilder, sql } from "kysely";
import type { Trx } from "../../../db/database.ts";

/**
 * « N° dossier » (docs/decisions/0011-i17b-rush-and-invoicing-job.md): the next value of a sequence, which never
 * waits on another transaction. Numbers grow but may skip (a rolled-back booking keeps its
 * number, and the sequence is shared by every town).
 */
export const dossierNumber = (): RawBuilder<string> => sql<string>`nextval('booking_dossier_numbers')`;

/** `count` dossier numbers at once, in increasing order. */
export async function dossierNumbers(trx: Trx, count: number): Promise<string[]> {
  const { rows } = await sql<{ n: string }>`
    select nextval('booking_dossier_numbers')::text as n from generate_series(1, ${count}::int)`.execute(trx);
  return rows.map((r) => r.n).sort((a, b) => Number(a) - Number(b));
}
