import type { Trx } from "../../db/database.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import type { Actor } from "../audit/service.ts";
import { portOf } from "./common/port.ts";

/**
 * What planning needs from billing (« Mon panier », credit notes, the wizard's estimate),
 * handed to it at startup by the composition root (src/compose.ts). Planning never imports
 * billing, so billing may import planning's services without a circle between the features.
 */

/** Who a day of a service paid at booking is added to the basket for. */
export interface BasketOwner {
  tenant: Tenant;
  householdId: string;
  userId: string;
  now: Date;
}

/** A day to price, as the wizard's récapitulatif asks for it. */
export interface EstimatedDay {
  /** The caller's reference, to read the day's amount back with `price(ref)`. */
  ref: string;
  unit: "day" | "half_day" | "meal" | "hour" | "flat";
  period: string;
  childId: string;
  service: string;
  day: string;
  label: string;
}

export interface Estimate {
  priced: boolean;
  price(ref: string): string | null;
  total: string;
  explanation: string[];
}

export interface BillingPort {
  /** The household's open basket for the service's régie (opened if need be); null without a régie. */
  basketFor(trx: Trx, owner: BasketOwner, serviceId: string): Promise<string | null>;
  /** The basket a place given from the waiting list joins; "busy" when it must be offered instead. */
  basketForPlace(
    trx: Trx,
    tenant: Tenant,
    bookingId: string,
    now: Date,
  ): Promise<{ id: string; expiresAt: Date } | "busy" | null>;
  /** How many days wait in the household's live baskets. */
  waitingDays(trx: Trx, householdId: string): Promise<number>;
  /** Credits at once the invoiced days cancelled free of charge; the credit notes' numbers. */
  creditCancelledDays(
    trx: Trx,
    tenant: Tenant,
    actor: Actor,
    bookingIds: string[],
    now: Date,
  ): Promise<string[]>;
  /** The price of days about to be booked, and how it was found. */
  estimate(trx: Trx, tenant: Tenant, householdId: string, days: EstimatedDay[]): Promise<Estimate>;
}

const port = portOf<BillingPort>("billing");

/** Called once at startup by the composition root. */
export const provideBilling = port.provide;

/** Billing as planning sees it. */
export const billing = port.get;
