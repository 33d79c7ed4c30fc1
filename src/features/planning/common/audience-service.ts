import { type RawBuilder, sql } from "kysely";
import type { Trx } from "../../../db/database.ts";

/** The services staff may address a broadcast to (« sortie annulée mercredi »). */
export function services(trx: Trx) {
  return trx.selectFrom("services").select(["id", "name"]).orderBy("position").orderBy("name").execute();
}

/** Households with a child holding a place in a service on a day of [from, to] (issue 14 broadcasts). */
export function bookedHouseholds(serviceId: string, from: string, to: string): RawBuilder<unknown> {
  return sql`select b.household_id from bookings b
    where b.service_id = ${serviceId}::uuid and b.day between ${from}::date and ${to}::date and b.holds_place`;
}
