import type { Context } from "hono";
import type { z } from "zod";
import type { Database, Trx } from "../../db/database.ts";
import { inTransaction } from "../../http/scope.ts";
import type { AppEnv } from "../../http/types.ts";
import type { Section } from "../../tenancy/config-schema.ts";
import type { Values } from "../requests/service.ts";
import { childSchema, consentsSchema, healthSchema, MAX_VACCINES, parseVaccinations } from "./schemas.ts";
import type { Who } from "./service.ts";

/** A children handler's work in the request's transaction, with who acts on which household. */
export type RunAs = <T>(c: Context<AppEnv>, fn: (trx: Trx, w: Who) => Promise<T>) => Promise<T>;

/** `who` names the actor and household of a request: the parent's own, or the file in the staff's path. */
export const runAs =
  (db: Database, who: (c: Context<AppEnv>) => Who): RunAs =>
  (c, fn) =>
    inTransaction(c, db, (trx) => fn(trx, who(c)));

/** Form values: what is on file, as strings (health: one pair of inputs per vaccination). */
export function formValues(section: Section, current: Values): Record<string, string> {
  const values = Object.fromEntries(
    Object.entries(current).map(([k, v]) => [k, v === null ? "" : String(v)]),
  );
  if (section !== "donnees_sanitaires") return values;
  const rows = parseVaccinations(values.vaccinations);
  rows.forEach((r, i) => {
    values[`vaccine_name_${i}`] = r.name;
    values[`vaccine_date_${i}`] = r.date;
  });
  return values;
}

/** As many vaccination rows as filled ones, plus two blank ones, within the limit. */
export function vaccineRows(values: Record<string, string>): number {
  let filled = 0;
  for (let i = 0; i < MAX_VACCINES; i++)
    if (values[`vaccine_name_${i}`] || values[`vaccine_date_${i}`]) filled = i + 1;
  return Math.min(MAX_VACCINES, Math.max(3, filled + 2));
}

export interface SectionPage {
  path: string;
  section: Section;
  template: string;
  schema: (c: Context<AppEnv>) => z.ZodType<Values>;
}

export const SECTION_PAGES: SectionPage[] = [
  {
    path: "identite",
    section: "donnees_complementaires",
    template: "children/identity",
    schema: () => childSchema,
  },
  { path: "sante", section: "donnees_sanitaires", template: "children/health", schema: () => healthSchema },
  {
    path: "autorisations",
    section: "autorisations",
    template: "children/consents",
    schema: (c) => consentsSchema(c.get("tenant").config.householdFile.consents.map((k) => k.key)),
  },
];
