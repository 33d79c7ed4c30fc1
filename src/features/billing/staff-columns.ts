import { actorNames } from "../audit/service.ts";

/** How the staff lists name a row's household (joined as « h »): its name and N° Famille. */
export const HOUSEHOLD_COLUMNS = ["h.name as household", "h.number as household_number"] as const;

/** The household and the régie (joined as « r ») a staff list row belongs to. */
export const HOUSEHOLD_REGIE_COLUMNS = [...HOUSEHOLD_COLUMNS, "r.name as regie"] as const;

/** A payment (joined as « p ») as the staff lists show it, with who recorded it (users as « u »). */
export const PAYMENT_COLUMNS = [
  "p.id",
  "p.method",
  "p.amount_cents",
  "p.received_on",
  "p.reference",
  ...actorNames("u", "p.recorded_by"),
] as const;
