import { type RawBuilder, sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { recordWrite } from "../audit/service.ts";
import { unpaidHouseholds } from "../billing/invoices/audience-service.ts";
import { schoolHouseholds, schoolsAndClasses } from "../children/audience-service.ts";
import { bookedHouseholds, services } from "../planning/common/audience-service.ts";
import * as broadcastRepo from "./broadcast-repo.ts";
import { AUDIENCES, type BroadcastInput } from "./broadcast-schemas.ts";
import { notify } from "./staff-service.ts";

const DAY = new Intl.DateTimeFormat("fr-FR", { dateStyle: "full", timeZone: "UTC" });
const dayLabel = (d: string) => DAY.format(new Date(`${d}T00:00:00Z`));

/** The audience as a query of household ids, and in words for the list of broadcasts. */
async function audienceOf(
  trx: Trx,
  v: BroadcastInput,
): Promise<{ households: RawBuilder<unknown>; label: string }> {
  switch (v.cible) {
    case "tous":
      return { households: sql`select id from households`, label: AUDIENCES.tous };
    case "reserves": {
      const to = v.au && v.au > v.du ? v.au : v.du;
      const service = (await services(trx)).find((s) => s.id === v.service_id)?.name ?? "";
      const when = to === v.du ? `le ${dayLabel(v.du)}` : `du ${dayLabel(v.du)} au ${dayLabel(to)}`;
      return { households: bookedHouseholds(v.service_id, v.du, to), label: `Réservés ${when} – ${service}` };
    }
    case "ecole":
      return {
        households: schoolHouseholds(v.ecole, v.classe),
        label: `École ${v.ecole}${v.classe ? `, classe ${v.classe}` : ""}`,
      };
    case "impayes":
      return { households: unpaidHouseholds(), label: AUDIENCES.impayes };
    case "foyer":
      return {
        households: sql`select id from households where number = ${v.numero}`,
        label: `Foyer N° ${v.numero}`,
      };
  }
}

/** What the « Diffusion » form offers: the town's services (planning) and schools. */
export async function formOptions(trx: Trx) {
  const schools = await schoolsAndClasses(trx);
  return {
    planningServices: await services(trx),
    schools: [...new Set(schools.map((r) => r.school as string))],
    classes: [...new Set(schools.map((r) => r.class_level).filter((c): c is string => !!c))].sort(),
    broadcasts: await broadcastRepo.list(trx),
  };
}

/** « N foyers recevront ce message »: counted before anything is sent. */
export async function preview(trx: Trx, v: BroadcastInput) {
  const a = await audienceOf(trx, v);
  return { count: await broadcastRepo.countHouseholds(trx, a.households), label: a.label };
}

/**
 * A town message in the inbox of every household a query yields (one set-based statement), in
 * the caller's transaction, listed among the broadcasts; the caller tells by e-mail if it wants.
 */
export async function deliverIn(
  trx: Trx,
  tenant: Tenant,
  userId: string,
  m: { subject: string; body: string; service: string; audience: string },
  households: RawBuilder<unknown>,
) {
  const base = { tenantId: tenant.id, userId, subject: m.subject, body: m.body };
  const broadcastId = await broadcastRepo.insertBroadcast(trx, {
    tenant_id: tenant.id,
    created_by: userId,
    subject: m.subject,
    body: m.body,
    audience: m.audience,
  });
  const count = await broadcastRepo.deliver(trx, { ...base, broadcastId, service: m.service }, households);
  return { broadcastId, count };
}

/**
 * Sends the broadcast: every household of the audience gets it in its inbox (one set-based
 * statement), the e-mail notice goes through the outbox per consent, and the sending is audited.
 */
export async function send(trx: Trx, tenant: Tenant, userId: string, v: BroadcastInput, origin: string) {
  const a = await audienceOf(trx, v);
  const message = { subject: v.subject, body: v.body, service: v.service, audience: a.label };
  const { broadcastId, count } = await deliverIn(trx, tenant, userId, message, a.households);
  await notify(trx, tenant, origin, broadcastRepo.reachedBy(broadcastId));
  await recordWrite(
    trx,
    tenant.id,
    { kind: "staff", userId },
    {
      householdId: null,
      action: "broadcast",
      entity: "broadcasts",
      entityId: broadcastId,
      fields: ["subject", "body", "audience"],
    },
  );
  return { count };
}
