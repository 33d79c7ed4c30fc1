import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import { addDays, longDate, parisDateTime, parisToday, shortDate } from "../../lib/dates.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { euros, type InvoiceRow } from "../billing/invoices/invoices-service.ts";
import { homeActions as campaignItems } from "../enrolment/campaign/service.ts";
import { sectionLabel } from "../requests/service.ts";

/** One thing the family should do now, with where to do it. */
export interface ActionItem {
  text: string;
  href: string;
  link: string;
  urgent: boolean;
}

/** A document is « bientôt expiré » this many days before its end of validity. */
const EXPIRY_NOTICE_DAYS = 30;
/** On a parent's first visit, decisions on the family's requests this recent count as new. */
const FIRST_VISIT_DAYS = 7;

async function basketItems(trx: Trx, now: Date): Promise<ActionItem[]> {
  const rows = await trx
    .selectFrom("baskets as k")
    .innerJoin("bookings as b", "b.basket_id", "k.id")
    .select(["k.id", "k.expires_at"])
    .select((eb) => eb.fn.countAll<string>().as("days"))
    .where("k.state", "=", "open")
    .where("k.expires_at", ">", now)
    .where("b.status", "=", "unpaid")
    .groupBy(["k.id", "k.expires_at"])
    .orderBy("k.expires_at")
    .execute();
  return rows.map((k) => ({
    text: `Panier à régler avant le ${parisDateTime(k.expires_at)} (${k.days} jour${Number(k.days) > 1 ? "s" : ""}), sinon les réservations sont annulées.`,
    href: "/panier",
    link: "Payer mon panier",
    urgent: true,
  }));
}

async function offeredItems(trx: Trx): Promise<ActionItem[]> {
  const rows = await trx
    .selectFrom("bookings as b")
    .innerJoin("children as c", "c.id", "b.child_id")
    .select(["b.day", "c.first_name"])
    .where("b.status", "=", "offered")
    .orderBy("b.day")
    .execute();
  return rows.map((r) => ({
    text: `Une place est proposée pour ${r.first_name} le ${longDate(r.day)}.`,
    href: `/planning?mois=${r.day.slice(0, 7)}`,
    link: "Accepter ou refuser la place",
    urgent: true,
  }));
}

async function documentItems(trx: Trx, tenant: Tenant, today: string): Promise<ActionItem[]> {
  const types = new Map(tenant.config.householdFile.documents.types.map((t) => [t.key, t.label]));
  const rows = await trx
    .selectFrom("documents as d")
    .select(["d.type", "d.state", "d.valid_until", "d.reason"])
    .where((eb) =>
      eb.or([
        eb("d.state", "=", "refused"),
        eb.and([
          eb("d.state", "=", "validated"),
          eb("d.valid_until", "<=", addDays(today, EXPIRY_NOTICE_DAYS)),
        ]),
      ]),
    )
    // Only the newest document of each type counts: a refused one replaced since is settled.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("documents as n")
            .select("n.id")
            .whereRef("n.type", "=", "d.type")
            .whereRef("n.created_at", ">", "d.created_at"),
        ),
      ),
    )
    .execute();
  return rows.map((d) => {
    const label = types.get(d.type) ?? d.type;
    const text =
      d.state === "refused"
        ? `Document refusé : « ${label} » (motif : ${d.reason}).`
        : `Document ${d.valid_until && d.valid_until < today ? "expiré" : "bientôt expiré"} : « ${label} », valable jusqu'au ${shortDate(d.valid_until as string)}.`;
    return { text, href: "/documents", link: "Déposer un nouveau document", urgent: d.state === "refused" };
  });
}

function invoiceItems(unpaid: InvoiceRow[]): ActionItem[] {
  if (!unpaid.length) return [];
  const left = unpaid.reduce((s, i) => s + i.leftCents, 0);
  const n = unpaid.length;
  return [
    {
      text: `${n} facture${n > 1 ? "s" : ""} à payer, ${euros(left)} au total.`,
      href: "/factures",
      link: "Voir mes factures",
      urgent: false,
    },
  ];
}

async function decidedItems(trx: Trx, now: Date, since: Date | null): Promise<ActionItem[]> {
  const from = since ?? sql<Date>`${now}::timestamptz - make_interval(days => ${FIRST_VISIT_DAYS})`;
  const rows = await trx
    .selectFrom("change_requests")
    .select(["section", "status", "decided_at"])
    .where("status", "in", ["accepted", "refused"])
    .where("decided_at", ">", from)
    .orderBy("decided_at", "desc")
    .execute();
  return rows.map((r) => ({
    text: `Votre demande « ${sectionLabel(r.section)} » a été ${r.status === "accepted" ? "acceptée" : "refusée"} le ${parisDateTime(r.decided_at as Date)}.`,
    href: "/demandes",
    link: "Voir mes demandes",
    urgent: false,
  }));
}

/**
 * « À faire »: what needs the family now, most urgent first — a basket to pay before its
 * deadline, places offered, documents refused or expiring, invoices to pay, requests decided
 * since the parent's previous visit (`since`, null on the first). Read through the parent's own
 * household fence.
 */
export async function actionsFor(
  trx: Trx,
  tenant: Tenant,
  now: Date,
  unpaid: InvoiceRow[],
  since: Date | null,
): Promise<ActionItem[]> {
  const today = parisToday(now);
  return [
    ...(await basketItems(trx, now)),
    ...(await offeredItems(trx)),
    ...(await documentItems(trx, tenant, today)),
    ...(await campaignItems(trx, now)),
    ...invoiceItems(unpaid),
    ...(await decidedItems(trx, now, since)),
  ];
}
