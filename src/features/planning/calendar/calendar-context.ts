import type { Context } from "hono";
import type { SessionUser } from "../../../auth/sessions.ts";
import { callerHousehold } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import type { PlanningContext } from "../booking/booking-service.ts";

/** The parent's planning context (« Référent »: their first name). */
export function parentPlanning(c: Context<AppEnv>, deps: Deps) {
  const s = c.get("session") as SessionUser;
  const householdId = callerHousehold(c);
  const planning: PlanningContext = {
    tenant: c.get("tenant"),
    actor: { kind: "parent", userId: s.userId },
    actorName: s.firstName,
    householdId,
    now: deps.now(),
  };
  return { planning };
}

/** Status messages of « Mon planning » after a POST (shown in the aria-live flash). */
export const PLANNING_MESSAGES: Record<string, string> = {
  annulee: "L'annulation est enregistrée.",
  "annulation-demandee": "Votre demande d'annulation a été transmise au service.",
  "place-acceptee": "Vous avez accepté la place proposée.",
  "place-au-panier":
    "Vous avez accepté la place proposée : réglez-la dans « Mon panier » avant son délai pour la confirmer.",
  "place-refusee": "Vous avez refusé la place proposée : elle est rendue.",
};

/** « Mon planning » for a month, keeping the display options of the page. */
export function monthHref(month: string, extra: Record<string, string> = {}) {
  const q = new URLSearchParams({ mois: month, ...extra });
  return `/planning?${q.toString()}`;
}
