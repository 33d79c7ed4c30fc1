import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import { AppError, notFound } from "../../http/errors.ts";
import { notifyHousehold } from "../../integrations/mail/household.ts";
import { canonical } from "../../lib/form-fields.ts";
import type { Section } from "../../tenancy/config-schema.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../audit/service.ts";
import { handlerOf } from "./registry.ts";
import * as requestsRepo from "./repo.ts";
import type { Values } from "./section-handler.ts";

/** What a slice implements to register its sections (household, children). */
export type { SectionHandler, Values } from "./section-handler.ts";
/** The sections' French names, for the pages of other slices (home, settings, household). */
export { FALLBACK_LABELS, sectionLabel } from "./view.ts";

export interface ChangeContext {
  tenant: Tenant;
  actor: Actor;
  householdId: string;
}

export type ChangeOutcome =
  | { kind: "unchanged" }
  | { kind: "applied"; id: string | null; fields: string[] }
  | { kind: "requested"; requestId: string; fields: string[] };

const same = (a: unknown, b: unknown) => {
  const [x, y] = [canonical(a), canonical(b)];
  return x === y || String(x ?? "") === String(y ?? "");
};

/** The fields whose proposed value really differs from the current one (not just its format). */
export function changedFields(current: Values | null, proposed: Values): string[] {
  return Object.keys(proposed).filter((k) => !same(current?.[k], proposed[k]));
}

const pick = (values: Values | null, keys: string[]): Values =>
  Object.fromEntries(keys.map((k) => [k, values?.[k] ?? null]));

/** Whether the town applies this section's changes at once or sends them to staff. */
export function modeOf(tenant: Tenant, section: Section): "direct" | "request" {
  const changes = tenant.config.householdFile.changes;
  return (
    changes[section] ?? (section === "personnes_autorisees" ? changes.autorisations : undefined) ?? "direct"
  );
}

/**
 * One change of the household file: applied at once (staff, or a "direct" section), or
 * kept as the household's pending request for that section and target (a new one replaces it).
 */
export async function submitChange(
  trx: Trx,
  ctx: ChangeContext,
  section: Section,
  targetId: string | null,
  proposed: Values,
): Promise<ChangeOutcome> {
  const handler = handlerOf(section);
  const current = await handler.read(trx, ctx.householdId, targetId);
  const fields = changedFields(current, proposed);
  if (fields.length === 0) return { kind: "unchanged" };
  const audit = (action: string, entityId: string | null) =>
    recordWrite(trx, ctx.tenant.id, ctx.actor, {
      householdId: ctx.householdId,
      action,
      entity: action === "request" ? "change_requests" : handler.entity,
      entityId,
      fields,
    });
  if (ctx.actor.kind === "staff" || modeOf(ctx.tenant, section) === "direct") {
    const id = await handler.apply(trx, ctx.householdId, targetId, pick(proposed, fields));
    await audit(current ? "update" : "create", id ?? targetId);
    return { kind: "applied", id, fields };
  }
  await withdrawPending(trx, ctx.householdId, section, targetId);
  const row = await trx
    .insertInto("change_requests")
    .values({
      tenant_id: ctx.tenant.id,
      household_id: ctx.householdId,
      section,
      target_id: targetId,
      current_values: JSON.stringify(pick(current, fields)),
      proposed_values: JSON.stringify(pick(proposed, fields)),
      created_by: ctx.actor.userId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await audit("request", row.id);
  return { kind: "requested", requestId: row.id, fields };
}

async function withdrawPending(trx: Trx, householdId: string, section: string, targetId: string | null) {
  await trx
    .updateTable("change_requests")
    .set({ status: "withdrawn", decided_at: sql`now()` })
    .where("household_id", "=", householdId)
    .where("section", "=", section)
    .where((eb) => (targetId ? eb("target_id", "=", targetId) : eb("target_id", "is", null)))
    .where("status", "=", "pending")
    .execute();
}

/** The pending request of a section (shown on it: current value and proposed value). */
export function pendingFor(trx: Trx, householdId: string, section: Section, targetId: string | null) {
  return requestsRepo.pendingOfSection(trx, householdId, section, targetId);
}

/** « Liste des demandes »: the household's requests of the last month, newest first. */
export function recentRequests(trx: Trx, householdId: string, now = new Date()) {
  const since = new Date(now);
  since.setMonth(since.getMonth() - 1);
  return requestsRepo.householdRequests(trx, householdId, since);
}

/** « Demandes à traiter »: the town's pending requests, oldest first. */
export function pendingRequests(trx: Trx) {
  return requestsRepo.townPending(trx);
}

/** The parent takes back a pending request. */
export async function withdraw(trx: Trx, ctx: ChangeContext, requestId: string): Promise<void> {
  const r = await trx
    .updateTable("change_requests")
    .set({ status: "withdrawn", decided_at: sql`now()` })
    .where("id", "=", requestId)
    .where("household_id", "=", ctx.householdId)
    .where("status", "=", "pending")
    .returning(["section"])
    .executeTakeFirst();
  if (!r) throw notFound();
  await recordWrite(trx, ctx.tenant.id, ctx.actor, {
    householdId: ctx.householdId,
    action: "withdraw",
    entity: "change_requests",
    entityId: requestId,
    fields: [],
  });
}

export type Decision = { accept: true; applyStale?: boolean } | { accept: false; reason: string };
export type DecisionOutcome = { kind: "decided" } | { kind: "stale"; fields: string[]; current: Values };

/**
 * Staff accept (the change applies atomically, with the request) or refuse with a reason.
 * A request whose "current" values no longer match the file is stale: staff are told which
 * fields moved and must confirm before it applies. The parents are e-mailed the outcome.
 */
export async function decide(
  trx: Trx,
  tenant: Tenant,
  staff: Actor,
  requestId: string,
  decision: Decision,
): Promise<DecisionOutcome> {
  const req = await requestsRepo.lockRequest(trx, requestId);
  if (!req) throw notFound();
  if (req.status !== "pending") throw new AppError("bad_request", 409, "Cette demande a déjà été traitée.");
  const handler = handlerOf(req.section);
  const audit = (action: string, entity: string, entityId: string | null, fields: string[]) =>
    recordWrite(trx, tenant.id, staff, { householdId: req.household_id, action, entity, entityId, fields });
  if (decision.accept) {
    const keys = Object.keys(req.proposed_values);
    const current = await handler.read(trx, req.household_id, req.target_id);
    const moved = keys.filter((k) => !same(current?.[k], req.current_values[k]));
    if (moved.length && !decision.applyStale)
      return { kind: "stale", fields: moved, current: pick(current, keys) };
    const id = await handler.apply(trx, req.household_id, req.target_id, req.proposed_values as Values);
    await audit(current ? "update" : "create", handler.entity, id ?? req.target_id, keys);
  }
  await trx
    .updateTable("change_requests")
    .set({
      status: decision.accept ? "accepted" : "refused",
      reason: decision.accept ? null : decision.reason,
      decided_by: staff.userId,
      decided_at: sql`now()`,
    })
    .where("id", "=", requestId)
    .execute();
  await audit(decision.accept ? "accept" : "refuse", "change_requests", requestId, []);
  await notifyHousehold(trx, tenant, req.household_id, {
    template: decision.accept ? "request-accepted" : "request-refused",
    data: { section: handler.label, reason: decision.accept ? null : decision.reason },
  });
  return { kind: "decided" };
}
