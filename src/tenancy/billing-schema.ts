import { z } from "zod";
import { isIsoDate } from "../lib/dates.ts";

const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/);
const day = z.string().refine(isIsoDate, "date AAAA-MM-JJ attendue");
const cents = z.number().int().min(0).max(10_000_000);

/** A price per unit by quotient-familial bracket; the last bracket has no upper bound. */
export const tariffSchema = z
  .object({
    service: key,
    /** Effective from this day; the latest tariff started on or before a day applies. */
    from: day,
    brackets: z.array(z.object({ upTo: z.number().int().min(0).optional(), cents })).min(1),
    /** Without a validated QF: this bracket (0-based); default the highest. */
    withoutProofBracket: z.number().int().min(0).optional(),
    /** Households living outside the town pay this price per unit instead. */
    nonResidentCents: cents.optional(),
    /** Off the price of the second and next children of a household on the same day. */
    siblingReductionPercent: z.number().int().min(0).max(100).default(0),
    /** Services billed by the hour: the hours of one booked session (e.g. 2 for a garderie). */
    hoursPerBooking: z.number().int().min(1).max(24).default(1),
    lateBookingSurchargeCents: cents.default(0),
    lateCancellationSurchargeCents: cents.default(0),
  })
  .superRefine((t, ctx) => {
    t.brackets.forEach((b, i) => {
      const last = i === t.brackets.length - 1;
      if (last !== (b.upTo === undefined))
        ctx.addIssue({
          code: "custom",
          path: ["brackets", i, "upTo"],
          message: "seule la dernière tranche est sans plafond",
        });
      const prev = t.brackets[i - 1]?.upTo;
      if (prev !== undefined && b.upTo !== undefined && b.upTo <= prev)
        ctx.addIssue({
          code: "custom",
          path: ["brackets", i, "upTo"],
          message: "plafonds croissants attendus",
        });
    });
    if (t.withoutProofBracket !== undefined && t.withoutProofBracket >= t.brackets.length)
      ctx.addIssue({ code: "custom", path: ["withoutProofBracket"], message: "tranche inconnue" });
  });
export type Tariff = z.infer<typeof tariffSchema>;

export const billingSchema = z.object({
  /** Postal codes of the town: other households pay the non-resident price. */
  residentPostalCodes: z.array(z.string().regex(/^\d{5}$/)).default([]),
  /** Days between an invoice's issue and its due date. */
  dueDays: z.number().int().min(1).max(90).default(30),
  /** A booked day nobody marked at « pointage »: billed or not. */
  unmarkedBooking: z.enum(["billed", "not_billed"]).default("billed"),
  /** Séné: bookings paid at booking wait this long in the basket, then are cancelled. */
  basketMinutes: z.number().int().min(10).max(1440).default(120),
  regies: z
    .array(
      z.object({
        key,
        name: z.string().min(2),
        /** PayFiP client number (6 digits). */
        numcli: z.string().regex(/^\d{6}$/, "numcli : 6 chiffres"),
        /** « AL- »: invoices are numbered AL-1, AL-2… without gaps. */
        invoicePrefix: z.string().regex(/^[A-Z0-9-]{1,10}$/),
        services: z.array(key).min(1),
        /** "self": the régie collects; "treasury": unpaid invoices are handed to the Treasury (« Titre émis »). */
        collection: z.enum(["self", "treasury"]).default("self"),
      }),
    )
    .default([]),
  tariffs: z.array(tariffSchema).default([]),
});
export type BillingConfig = z.infer<typeof billingSchema>;

/** Every tariff and régie names a service of the offer; a service is billed by one régie at most. */
export function checkBilling(
  b: BillingConfig,
  serviceKeys: Set<string>,
  issue: (path: (string | number)[], message: string) => void,
) {
  const billedBy = new Map<string, string>();
  b.regies.forEach((r, i) => {
    r.services.forEach((s, j) => {
      if (!serviceKeys.has(s)) issue(["billing", "regies", i, "services", j], "service inconnu");
      if (billedBy.has(s))
        issue(["billing", "regies", i, "services", j], `déjà facturé par ${billedBy.get(s)}`);
      billedBy.set(s, r.key);
    });
  });
  b.tariffs.forEach((t, i) => {
    if (!serviceKeys.has(t.service)) issue(["billing", "tariffs", i, "service"], "service inconnu");
  });
}
