import type { Trx } from "../../../db/database.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { parisDateTime } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { cancelUnpaidDay, PlanningError } from "../../planning/booking/status/status-service.ts";
import { availableCredit, creditShare } from "../payments/credit-ledger.ts";
import { dayUnit, householdPricing, PRICED_DAY, tariffs } from "../pricing/billable.ts";
import { type PricedLine, priceDays } from "../pricing/pricing.ts";

/**
 * « Mon panier » (issue 5 item 8): days of a service paid at booking wait, status
 * "unpaid" and holding their place, in one basket per household and régie until it is
 * paid (then invoiced) or its deadline passes (then expired, places freed). The deadline
 * is set when the basket opens; « + Nouvelle réservation » adds to it without extending it.
 */

export interface Owner {
  tenant: Tenant;
  householdId: string;
  userId: string;
  now: Date;
}

/** Baskets (joined as « k ») with their régie (« r »): callers choose the columns and the rows. */
export const basketsWithRegie = (trx: Trx) =>
  trx.selectFrom("baskets as k").innerJoin("regies as r", "r.id", "k.regie_id");

/** The basket of this id, locked until commit; undefined when there is none. */
export const lockedBasket = (trx: Trx, id: string) =>
  trx.selectFrom("baskets").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();

const hhmm = (d: Date) => parisDateTime(d).split(" ")[1] ?? "";
const shortDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;

/**
 * The basket a day of `serviceId` goes in: the household's open one for the service's
 * régie, or a new one due in the town's basketMinutes. Null when the service has no régie.
 */
export async function basketFor(trx: Trx, o: Owner, serviceId: string): Promise<string | null> {
  const service = await trx
    .selectFrom("services")
    .select("regie_id")
    .where("id", "=", serviceId)
    .executeTakeFirst();
  if (!service?.regie_id) return null;
  const live = await trx
    .selectFrom("baskets")
    .select(["id", "state", "expires_at"])
    .where("household_id", "=", o.householdId)
    .where("regie_id", "=", service.regie_id)
    .where("state", "in", ["open", "paying"])
    .forUpdate()
    .executeTakeFirst();
  if (live?.state === "paying")
    throw new PlanningError([
      {
        message: "Le paiement de votre panier est en cours : attendez son résultat pour réserver à nouveau.",
      },
    ]);
  if (live && live.expires_at <= o.now)
    throw new PlanningError([
      { message: "Votre panier vient d'expirer : validez à nouveau dans un instant." },
    ]);
  if (live) return live.id;
  const minutes = o.tenant.config.billing.basketMinutes;
  const created = await trx
    .insertInto("baskets")
    .values({
      tenant_id: o.tenant.id,
      household_id: o.householdId,
      regie_id: service.regie_id,
      created_by: o.userId,
      expires_at: new Date(o.now.getTime() + minutes * 60_000),
      created_at: o.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return created.id;
}

/**
 * The basket a place given automatically from the waiting list joins, in a service paid at
 * booking (promoteWaiting, run by staff or the jobs persona): the household's open basket
 * still in time, or a new one due in basketMinutes, owned by who booked the day. "busy"
 * when the household's basket is being paid or overdue: the place is offered instead.
 * Null when the service has no régie: nothing to pay at booking.
 */
export async function basketForPlace(
  trx: Trx,
  tenant: Tenant,
  bookingId: string,
  now: Date,
): Promise<{ id: string; expiresAt: Date } | "busy" | null> {
  const b = await trx
    .selectFrom("bookings as b")
    .innerJoin("booking_dossiers as d", "d.id", "b.dossier_id")
    .select(["b.household_id", "b.service_id", "d.created_by"])
    .where("b.id", "=", bookingId)
    .executeTakeFirstOrThrow();
  const member = await trx
    .selectFrom("users")
    .select("id")
    .where("household_id", "=", b.household_id)
    .orderBy("created_at")
    .executeTakeFirst();
  const userId = b.created_by ?? member?.id;
  if (!userId) return "busy";
  const o = { tenant, householdId: b.household_id, userId, now };
  const id = await basketFor(trx, o, b.service_id).catch((err: unknown) => {
    if (err instanceof PlanningError) return "busy" as const;
    throw err;
  });
  if (id === null || id === "busy") return id;
  const k = await trx
    .selectFrom("baskets")
    .select("expires_at")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return { id, expiresAt: k.expires_at };
}

/** The basket's days, with what the booking page shows about them (RLS: own household). */
export async function daysOf(trx: Trx, basketId: string) {
  return trx
    .selectFrom("bookings as b")
    .innerJoin("services as s", "s.id", "b.service_id")
    .innerJoin("children as c", "c.id", "b.child_id")
    .innerJoin("booking_dossiers as d", "d.id", "b.dossier_id")
    .select([
      ...PRICED_DAY,
      "s.name as service_name",
      "c.first_name",
      "c.last_name",
      "d.id as dossier_id",
      "d.number",
      "d.created_at as dossier_at",
    ])
    .where("b.basket_id", "=", basketId)
    .where("b.status", "=", "unpaid")
    .orderBy("d.created_at")
    .orderBy("b.day")
    .orderBy("c.birth_date")
    .execute();
}

export type BasketDay = Awaited<ReturnType<typeof daysOf>>[number];

/** The basket's lines priced as the invoicing run prices days (bracket, residence, siblings). */
export async function pricedLines(trx: Trx, tenant: Tenant, householdId: string, days: BasketDay[]) {
  const h = (await householdPricing(trx, tenant, [householdId])).get(householdId);
  if (!h) throw notFound();
  const units = days.map((d) =>
    dayUnit(d, `${d.service_name} – ${d.first_name} ${d.last_name} (${shortDay(d.day)})`),
  );
  return priceDays(await tariffs(trx), units, h);
}

/** « Mon panier »: the household's live baskets, per régie, with their reservations and lines. */
export async function basketPage(trx: Trx, tenant: Tenant, householdId: string) {
  const baskets = await basketsWithRegie(trx)
    .select([
      "k.id",
      "k.state",
      "k.expires_at",
      "k.regie_id",
      "k.credit_cents as paying_credit",
      "r.name as regie",
    ])
    .where("k.household_id", "=", householdId)
    .where("k.state", "in", ["open", "paying"])
    .orderBy("r.name")
    .execute();
  const out = [];
  for (const k of baskets) {
    const days = await daysOf(trx, k.id);
    if (days.length === 0) continue;
    const lines = await pricedLines(trx, tenant, householdId, days);
    const total = lines.reduce((s, l) => s + l.amountCents, 0);
    const credit =
      k.state === "paying"
        ? Number(k.paying_credit)
        : creditShare(total, await availableCredit(trx, { householdId, regieId: k.regie_id }));
    out.push({
      id: k.id,
      regie: k.regie,
      credit,
      paying: k.state === "paying",
      due: hhmm(k.expires_at),
      total,
      dossiers: dossiersOf(days, lines),
    });
  }
  return out;
}

/** The basket's days grouped by validation (« Réservation n° … pour … créée le … »). */
function dossiersOf(days: BasketDay[], lines: PricedLine[]) {
  const dossiers = new Map<
    string,
    { number: string; created: string; children: string[]; lines: (PricedLine & { bookingId: string })[] }
  >();
  for (const d of days) {
    const [date, time] = parisDateTime(d.dossier_at).split(" ");
    const entry = dossiers.get(d.dossier_id) ?? {
      number: d.number,
      created: `${date} à ${time}`,
      children: [],
      lines: [],
    };
    const child = `${d.first_name} ${d.last_name}`;
    if (!entry.children.includes(child)) entry.children.push(child);
    for (const l of lines.filter((x) => x.ref === d.id)) entry.lines.push({ ...l, bookingId: d.id });
    dossiers.set(d.dossier_id, entry);
  }
  return [...dossiers.values()].map((x) => ({ ...x, children: x.children.join(", ") }));
}

/** « Annuler » on a line: the day leaves the open basket and its place is released. */
export async function removeDay(trx: Trx, o: Owner, bookingId: string) {
  const b = await trx
    .selectFrom("bookings as b")
    .innerJoin("baskets as k", "k.id", "b.basket_id")
    .select(["b.id", "b.period_id", "b.day", "k.state"])
    .where("b.id", "=", bookingId)
    .where("b.household_id", "=", o.householdId)
    .where("b.status", "=", "unpaid")
    .forUpdate("b")
    .executeTakeFirst();
  if (!b) throw notFound();
  if (b.state !== "open")
    throw new AppError(
      "bad_request",
      409,
      "Le paiement de ce panier est en cours : il ne peut plus être modifié.",
    );
  await cancelUnpaidDay(trx, o.tenant, { kind: "parent", userId: o.userId }, b);
}

/** How many days wait in the household's live baskets (shown as « Mon panier (N) »). */
export async function waitingDays(trx: Trx, householdId: string): Promise<number> {
  const row = await trx
    .selectFrom("bookings as b")
    .innerJoin("baskets as k", "k.id", "b.basket_id")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("b.household_id", "=", householdId)
    .where("b.status", "=", "unpaid")
    .where("k.state", "in", ["open", "paying"])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
