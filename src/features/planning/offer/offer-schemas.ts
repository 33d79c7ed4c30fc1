import { type core, z } from "zod";
import { bookingRulesSchema, eligibilitySchema, planningSchema } from "../../../tenancy/planning-schema.ts";

/**
 * The staff's forms on the offer. Every field reuses the tenant file's schema
 * (src/tenancy/planning-schema.ts), so a rule typed in the UI is checked exactly as one
 * written in tenants/*.yaml; this file only turns form strings into values and says
 * what is wrong in French.
 */

export type RawForm = Record<string, string | string[]>;

const rules = bookingRulesSchema.shape;
const eligibility = eligibilitySchema.shape;
const period = planningSchema.shape.periods.unwrap().element.shape;
const closure = period.closures.unwrap().element.shape;

const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : v);
const optional = (v: unknown) => (trimmed(v) === "" ? undefined : trimmed(v));
/** A whole number, or the text as typed (the schema then says a number is expected). */
const integer = (v: unknown) => {
  const t = optional(v);
  return typeof t === "string" && /^-?\d{1,6}$/.test(t) ? Number(t) : t;
};
const many = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const ENDS_BEFORE = "La fin doit être le jour du début ou après.";
type DayRefinement<K extends string> = [
  (d: Partial<Record<K, string | undefined>>) => boolean,
  { path: K[]; message: string },
];
/** The refinement that the day `last` (« YYYY-MM-DD ») is not before `first`; an empty one passes. */
function notBefore<K extends string>(first: K, last: K, message: string): DayRefinement<K> {
  const check = (d: Partial<Record<K, string | undefined>>) => {
    const [from, to] = [d[first], d[last]];
    return !from || !to || from <= to;
  };
  return [check, { path: [last], message }];
}

export const serviceFormSchema = z
  .object({
    acceptance: rules.acceptance,
    noticeDays: z.preprocess(integer, rules.noticeDays),
    cutoff: z.preprocess(trimmed, rules.cutoff),
    cancelNoticeDays: z.preprocess(integer, rules.cancelNoticeDays),
    cancelCutoff: z.preprocess(trimmed, rules.cancelCutoff),
    lateCancellation: rules.lateCancellation,
    capacity: z.preprocess((v) => integer(v) ?? null, rules.capacity),
    waitingList: rules.waitingList,
    payment: rules.payment,
    enrolmentRequired: z.preprocess((v) => v === "oui", rules.enrolmentRequired),
    enrolmentDocuments: z.preprocess(many, rules.enrolmentDocuments),
    minAge: z.preprocess(integer, eligibility.minAge),
    maxAge: z.preprocess(integer, eligibility.maxAge),
    levels: z.preprocess(many, eligibility.levels),
  })
  .refine((d) => d.minAge === undefined || d.maxAge === undefined || d.minAge <= d.maxAge, {
    path: ["maxAge"],
    message: "L'âge maximum doit être supérieur ou égal à l'âge minimum.",
  })
  .refine((d) => d.capacity !== null || d.waitingList === "none", {
    path: ["waitingList"],
    message: "Une liste d'attente suppose une capacité par jour.",
  });
export type ServiceForm = z.infer<typeof serviceFormSchema>;

export const periodFormSchema = z
  .object({
    name: z.preprocess(trimmed, period.name),
    category: z.preprocess(optional, period.category),
    start: z.preprocess(trimmed, period.start),
    end: z.preprocess(trimmed, period.end),
    weekdays: z.preprocess((v) => many(v).map(integer), period.weekdays),
    schoolDaysOnly: z.preprocess((v) => v === "oui", period.schoolDaysOnly),
    bookingOpensOn: z.preprocess(optional, period.bookingOpensOn),
    bookingClosesOn: z.preprocess(optional, period.bookingClosesOn),
    /** Empty: the service's capacity applies. */
    capacity: z.preprocess(integer, rules.capacity.unwrap().optional()),
  })
  .refine(...notBefore("start", "end", ENDS_BEFORE))
  .refine(
    ...notBefore(
      "bookingOpensOn",
      "bookingClosesOn",
      "La clôture des réservations doit suivre leur ouverture.",
    ),
  );
export type PeriodForm = z.infer<typeof periodFormSchema>;

export const closureFormSchema = z
  .object({
    from: z.preprocess(trimmed, closure.from),
    to: z.preprocess(trimmed, closure.to),
    label: z.preprocess(optional, closure.label),
  })
  .refine(...notBefore("from", "to", ENDS_BEFORE));

/** Messages for the fields whose schema has none of its own (the tenant file's are already French). */
const FIELD_MESSAGES: Record<string, string> = {
  weekdays: "Cochez au moins un jour d'ouverture.",
  name: "Indiquez un nom d'au moins 2 caractères.",
  levels: "Choisissez des classes de la liste.",
};

function french(issue: core.$ZodRawIssue): string {
  const key = String(issue.path?.[0] ?? "");
  if (FIELD_MESSAGES[key]) return FIELD_MESSAGES[key];
  if (issue.code === "too_small") return `La valeur minimale est ${issue.minimum}.`;
  if (issue.code === "too_big") return `La valeur maximale est ${issue.maximum}.`;
  if (issue.code === "invalid_type")
    return issue.input === undefined ? "Ce champ est obligatoire." : "Indiquez un nombre entier.";
  if (issue.code === "invalid_value") return "Choisissez une des valeurs proposées.";
  return "Valeur invalide.";
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

/** Parses a form (repeated fields as arrays) with French messages keyed by field. */
export function parseOffer<S extends z.ZodType>(schema: S, raw: RawForm): Parsed<z.infer<S>> {
  const parsed = schema.safeParse(raw, { error: french });
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "_form")] ??= issue.message;
  return { ok: false, errors };
}
