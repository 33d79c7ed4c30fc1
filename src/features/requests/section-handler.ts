import type { Trx } from "../../db/database.ts";

export type Values = Record<string, string | number | boolean | null>;

/**
 * How the change-request engine reads and writes one section of the household file.
 * Each feature (household, children) provides the handlers of its sections.
 */
export interface SectionHandler {
  /** French label, as in « Liste des demandes » (« Informations responsable »…). */
  label: string;
  /** Field key -> French label, for the old → new display. */
  fields: Record<string, string>;
  /** Table written, for the audit trail. */
  entity: string;
  /** Bank or health data: values are masked in lists shown to staff and never audited. */
  sensitive?: boolean;
  /** The section's current values (null when the target does not exist, e.g. a new child). */
  read(trx: Trx, householdId: string, targetId: string | null): Promise<Values | null>;
  /** Writes the values; returns the id of the row written (a new child's id). */
  apply(trx: Trx, householdId: string, targetId: string | null, values: Values): Promise<string | null>;
}
