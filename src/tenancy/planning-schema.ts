import { z } from "zod";
import { isIsoDate } from "../lib/dates.ts";

const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/);
const day = z.string().refine(isIsoDate, "date AAAA-MM-JJ attendue");
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "heure HH:MM attendue");

/** Booking rules of a service, which a period may override field by field (docs/domain.md). */
export const bookingRulesSchema = z.object({
  /** "auto": accepted at once; "review": « en attente de traitement » until staff decide. */
  acceptance: z.enum(["auto", "review"]),
  /** « Vous devez réserver au minimum N jour(s) ouvré(s) avant », « Heure limite : HH:MM ». */
  noticeDays: z.number().int().min(0).max(60),
  cutoff: time,
  cancelNoticeDays: z.number().int().min(0).max(60),
  cancelCutoff: time,
  /** After the cancellation limit: refused, or accepted and still billed. */
  lateCancellation: z.enum(["refused", "billed"]),
  /** Places per day; none = no limit. */
  capacity: z.number().int().min(1).max(100000).nullable(),
  /** "auto": the first waiting gets a freed place; "offer": it is offered and must be accepted. */
  waitingList: z.enum(["none", "auto", "offer"]),
  /** "at_booking": paid through the basket (billing issue); "invoiced": billed afterwards. */
  payment: z.enum(["invoiced", "at_booking"]),
  /** Parents book only the periods their child has an accepted « inscription » for (Plombières, Courtry). */
  enrolmentRequired: z.boolean(),
  /** Document types (householdFile.documents) an « inscription » needs deposited first (a PAI…). */
  enrolmentDocuments: z.array(key),
});
export type BookingRules = z.infer<typeof bookingRulesSchema>;

export const DEFAULT_RULES: BookingRules = {
  acceptance: "auto",
  noticeDays: 2,
  cutoff: "09:00",
  cancelNoticeDays: 2,
  cancelCutoff: "09:00",
  lateCancellation: "refused",
  capacity: null,
  waitingList: "none",
  payment: "invoiced",
  enrolmentRequired: false,
  enrolmentDocuments: [],
};

export const LEVELS = ["TPS", "PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"] as const;

/** Who may use a service: an age range on the day, and/or school levels (class_level). */
export const eligibilitySchema = z.object({
  minAge: z.number().int().min(0).max(25).optional(),
  maxAge: z.number().int().min(0).max(25).optional(),
  levels: z.array(z.enum(LEVELS)).optional(),
});
export type Eligibility = z.infer<typeof eligibilitySchema>;

const closure = z.object({ from: day, to: day, label: z.string().default("Fermeture") });

export const planningSchema = z.object({
  /** Parents' main view: the month calendar (Sennecey, Séné) or the agenda grid (Plombières). */
  view: z.enum(["calendar", "agenda"]).default("calendar"),
  /** Hours a family has to accept a place offered from the waiting list before it passes on. */
  offerHours: z.number().int().min(1).max(168).default(24),
  facilities: z.array(z.object({ key, name: z.string().min(2) })).default([]),
  services: z
    .array(
      z.object({
        key,
        facility: key,
        name: z.string().min(2),
        /** Billing unit (the billing issue prices it). */
        unit: z.enum(["day", "half_day", "meal", "hour", "flat"]).default("day"),
        eligibility: eligibilitySchema.default({}),
        rules: bookingRulesSchema.partial().default({}),
      }),
    )
    .default([]),
  periods: z
    .array(
      z.object({
        key,
        service: key,
        name: z.string().min(2),
        /** The group shown between service and period (« PETITES VACANCES »). */
        category: z.string().optional(),
        start: day,
        end: day,
        /** Opening weekdays, 1 = Monday … 7 = Sunday. */
        weekdays: z.array(z.number().int().min(1).max(7)).min(1),
        closures: z.array(closure).default([]),
        /** Closed during the zone's school holidays (school-year periods: canteen, Wednesdays). */
        schoolDaysOnly: z.boolean().default(false),
        bookingOpensOn: day.optional(),
        /** « Vous avez jusqu'au … pour valider vos réservations ». */
        bookingClosesOn: day.optional(),
        rules: bookingRulesSchema.partial().default({}),
      }),
    )
    .default([]),
  absences: z
    .object({
      /** Absences declared by parents wait for staff (Plombières) or apply at once. */
      review: z.boolean().default(false),
      /** Days after the absence to upload a medical certificate. */
      certificateDays: z.number().int().min(0).max(60).default(7),
      reasons: z
        .array(
          z.object({
            key,
            label: z.string(),
            medical: z.boolean().default(false),
            /** true: « absent facturé »; false: « absent excusé » (not billed). */
            billed: z.boolean(),
            /** « Autre »: a free text is required. */
            freeText: z.boolean().default(false),
          }),
        )
        .min(1),
    })
    .default({
      review: false,
      certificateDays: 7,
      reasons: [
        { key: "maladie", label: "Maladie", medical: true, billed: false, freeText: false },
        { key: "rdv_medical", label: "Rendez-vous médical", medical: true, billed: false, freeText: false },
        { key: "convenance", label: "Convenance personnelle", medical: false, billed: true, freeText: false },
        { key: "autre", label: "Autre", medical: false, billed: true, freeText: true },
      ],
    }),
});
export type PlanningConfig = z.infer<typeof planningSchema>;

/** Cross-references of the offer: every service's facility and every period's service exist. */
export function checkPlanning(
  p: PlanningConfig,
  issue: (path: (string | number)[], message: string) => void,
) {
  const facilities = new Set(p.facilities.map((f) => f.key));
  const services = new Set(p.services.map((s) => s.key));
  p.services.forEach((s, i) => {
    if (!facilities.has(s.facility)) issue(["planning", "services", i, "facility"], "établissement inconnu");
  });
  p.periods.forEach((per, i) => {
    if (!services.has(per.service)) issue(["planning", "periods", i, "service"], "service inconnu");
    if (per.end < per.start) issue(["planning", "periods", i, "end"], "fin avant le début");
  });
}
