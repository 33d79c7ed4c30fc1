import { type core, z } from "zod";
import { readEuros } from "../../../lib/form-fields.ts";
import { billingSchema, type Tariff, tariffSchema } from "../../../tenancy/billing-schema.ts";

/**
 * The admin's forms on the town's money. Régies and tariffs are checked with the tenant
 * file's own schema (src/tenancy/billing-schema.ts), so a tariff typed in the UI follows
 * the same rules as one written in tenants/*.yaml; this file turns form strings into
 * values (euros « 7,70 » into cents) and says what is wrong in French, next to the field.
 */

export type RawForm = Record<string, string | string[]>;
export type Errors = Record<string, string>;
export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: Errors };

/** Bracket rows a tariff form offers at most. */
export const MAX_BRACKETS = 10;

const regie = billingSchema.shape.regies.unwrap().element.shape;
const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
const many = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const REGIE_MESSAGES: Record<string, string> = {
  name: "Indiquez un nom d'au moins 2 caractères.",
  numcli: "Le numéro client PayFiP (numcli) compte 6 chiffres.",
  invoicePrefix: "De 1 à 10 caractères : lettres majuscules, chiffres ou tirets (ex. AL-).",
  collection: "Choisissez une des valeurs proposées.",
  services: "Cochez au moins un service.",
};

export const regieFormSchema = z.object({
  name: z.preprocess(text, regie.name),
  numcli: z.preprocess(text, regie.numcli),
  invoicePrefix: z.preprocess((v) => text(v).toUpperCase(), regie.invoicePrefix),
  collection: regie.collection,
  services: z.preprocess(many, regie.services),
});
export type RegieForm = z.infer<typeof regieFormSchema>;

export function parseRegie(raw: RawForm): Parsed<RegieForm> {
  const parsed = regieFormSchema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: Errors = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "_form");
    errors[key] ??= REGIE_MESSAGES[key] ?? "Valeur invalide.";
  }
  return { ok: false, errors };
}

/** « 7,70 », « 7.7 », « 1 200 » → cents (zero allowed); anything else → null. */
function centsOf(value: string): number | null {
  const read = readEuros(value);
  return "cents" in read ? read.cents : null;
}

const EUROS_MESSAGE = "Montant en euros positif, 2 décimales au plus (ex. 7,70).";

/** The form field of a tariff schema issue (bracket rows are numbered as shown). */
function fieldOf(path: PropertyKey[], rows: number[]): string {
  const [head, index, leaf] = path;
  if (head === "brackets" && typeof index === "number")
    return `${leaf === "upTo" ? "upTo" : "price"}_${rows[index] ?? 0}`;
  const FIELDS: Record<string, string> = {
    brackets: "price_0",
    nonResidentCents: "nonResident",
    lateBookingSurchargeCents: "lateBooking",
    lateCancellationSurchargeCents: "lateCancellation",
  };
  return FIELDS[String(head)] ?? String(head ?? "_form");
}

function french(issue: core.$ZodIssue, count: number): string {
  const [head, index, leaf] = issue.path;
  if (head === "brackets" && issue.path.length === 1) return "Indiquez au moins une tranche.";
  if (head === "from") return "Indiquez une date.";
  if (issue.code === "custom" && issue.message.includes("croissants"))
    return "Les plafonds de QF doivent être croissants d'une tranche à l'autre.";
  if (issue.code === "custom")
    return index === count - 1
      ? "La dernière tranche n'a pas de plafond : laissez « QF jusqu'à » vide."
      : "Indiquez un plafond : seule la dernière tranche en est sans.";
  if (leaf === "upTo") return "Indiquez un plafond de QF entier (ex. 700).";
  if (head === "siblingReductionPercent") return "Un pourcentage entier de 0 à 100.";
  if (head === "hoursPerBooking") return "Un nombre entier d'heures, de 1 à 24.";
  return EUROS_MESSAGE;
}

const QF = (v: string) => (/^\d{1,6}$/.test(v) ? Number(v) : v === "" ? undefined : v);

/** The filled bracket rows: « QF jusqu'à » + « Tarif (€) »; a row left blank is skipped. */
function bracketsOf(raw: RawForm, errors: Errors) {
  const rows: number[] = [];
  const brackets: { upTo?: unknown; cents: number }[] = [];
  for (let i = 0; i < MAX_BRACKETS; i++) {
    const [upTo, price] = [text(raw[`upTo_${i}`]), text(raw[`price_${i}`])];
    if (upTo === "" && price === "") continue;
    const cents = centsOf(price);
    if (cents === null)
      errors[`price_${i}`] = price === "" ? "Indiquez le tarif de la tranche." : EUROS_MESSAGE;
    rows.push(i);
    brackets.push({ upTo: QF(upTo), cents: cents ?? 0 });
  }
  return { rows, brackets };
}

/** A tariff from its form, for `service` from `from`; errors keyed by form field. */
export function parseTariff(raw: RawForm, service: string, from: string): Parsed<Tariff> {
  const errors: Errors = {};
  const money = (field: string) => {
    const v = text(raw[field]);
    if (v === "") return undefined;
    const cents = centsOf(v);
    if (cents === null) errors[field] = EUROS_MESSAGE;
    return cents ?? 0;
  };
  const { rows, brackets } = bracketsOf(raw, errors);
  const proof = text(raw.withoutProofBracket);
  const proofRow = proof === "" ? -1 : rows.indexOf(Number(proof));
  if (proof !== "" && proofRow === -1) errors.withoutProofBracket = "Choisissez une tranche remplie.";
  const percent = text(raw.siblingReductionPercent);
  const hours = text(raw.hoursPerBooking);
  const candidate = {
    service,
    from,
    brackets,
    withoutProofBracket: proofRow === -1 ? undefined : proofRow,
    nonResidentCents: money("nonResident"),
    siblingReductionPercent: percent === "" ? 0 : /^\d{1,3}$/.test(percent) ? Number(percent) : percent,
    hoursPerBooking: hours === "" ? 1 : /^\d{1,2}$/.test(hours) ? Number(hours) : hours,
    lateBookingSurchargeCents: money("lateBooking") ?? 0,
    lateCancellationSurchargeCents: money("lateCancellation") ?? 0,
  };
  const parsed = tariffSchema.safeParse(candidate);
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      errors[fieldOf(issue.path, rows)] ??= french(issue, brackets.length);
  if (Object.keys(errors).length || !parsed.success) return { ok: false, errors };
  return { ok: true, data: parsed.data };
}

/** A tariff as its form shows it: euros with a comma, QF caps, the bracket without proof. */
export function tariffValues(t: Tariff): Record<string, string> {
  const eurosOf = (cents: number | undefined) =>
    cents === undefined ? "" : `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, "0")}`;
  const values: Record<string, string> = {
    withoutProofBracket: t.withoutProofBracket === undefined ? "" : String(t.withoutProofBracket),
    nonResident: eurosOf(t.nonResidentCents),
    siblingReductionPercent: String(t.siblingReductionPercent),
    hoursPerBooking: String(t.hoursPerBooking),
    lateBooking: t.lateBookingSurchargeCents ? eurosOf(t.lateBookingSurchargeCents) : "",
    lateCancellation: t.lateCancellationSurchargeCents ? eurosOf(t.lateCancellationSurchargeCents) : "",
  };
  t.brackets.forEach((b, i) => {
    values[`upTo_${i}`] = b.upTo === undefined ? "" : String(b.upTo);
    values[`price_${i}`] = eurosOf(b.cents);
  });
  return values;
}
