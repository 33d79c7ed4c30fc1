import type { OperatorSession } from "../../../auth/operator-sessions.ts";
import type { Database } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { type TenantConfig, tenantConfigSchema } from "../../../tenancy/config-schema.ts";
import { provisionTownData } from "../../../tenancy/provision.ts";
import * as towns from "../../../tenancy/towns.ts";
import { asOperator, auditOperator } from "../audit.ts";

export type Saved = { ok: true; id: string } | { ok: false; errors: Record<string, string> };
type Status = "active" | "suspended" | "archived";

export interface Who {
  op: OperatorSession;
  ip: string;
  domain: string;
}

/** Creates a town, or refuses its names; it answers at once on every process (NOTIFY at commit). */
export async function createTown(
  db: Database,
  w: Who,
  config: TenantConfig,
  logoSvg: string,
): Promise<Saved> {
  const saved = await db.withTenant(asOperator(w.op), async (trx): Promise<Saved> => {
    const errors = await towns.nameConflicts(trx, w.domain, config);
    if (Object.keys(errors).length) return { ok: false, errors };
    const id = await towns.insertTown(trx, config, logoSvg);
    await auditOperator(trx, w.op, { event: "town_created", tenantId: id, ip: w.ip, detail: config.slug });
    return { ok: true, id };
  });
  if (saved.ok) await provisionTownData(db, saved.id, config);
  return saved;
}

export async function updateTown(
  db: Database,
  w: Who,
  id: string,
  config: TenantConfig,
  logoSvg: string | null,
  event = "town_updated",
): Promise<Saved> {
  return db.withTenant(asOperator(w.op), async (trx): Promise<Saved> => {
    const errors = await towns.nameConflicts(trx, w.domain, { ...config, id });
    if (Object.keys(errors).length) return { ok: false, errors };
    if (!(await towns.updateTown(trx, id, config, logoSvg))) throw notFound();
    await auditOperator(trx, w.op, { event, tenantId: id, ip: w.ip });
    return { ok: true, id };
  });
}

export async function getTown(db: Database, op: OperatorSession, id: string) {
  const row = await db.withTenant(asOperator(op), (trx) => towns.findTown(trx, id));
  if (!row) throw notFound();
  return { ...row, config: tenantConfigSchema.parse(row.config) };
}

const EVENTS: Record<Status, string> = {
  active: "town_reopened",
  suspended: "town_suspended",
  archived: "town_archived",
};

/** Closing, reopening or archiving a town; closing for good needs the town's name typed. */
export async function setStatus(db: Database, w: Who, id: string, status: Status): Promise<void> {
  await db.withTenant(asOperator(w.op), async (trx) => {
    if (!(await towns.setTownStatus(trx, id, status))) throw notFound();
    await auditOperator(trx, w.op, { event: EVENTS[status], tenantId: id, ip: w.ip });
  });
}

/** What the operator typed names the town (case, accents and spaces aside). */
export function namesTown(typed: string, name: string): boolean {
  const norm = (s: string) =>
    s.normalize("NFD").replace(/\p{M}/gu, "").replace(/\s+/g, " ").trim().toLowerCase();
  return norm(typed) !== "" && norm(typed) === norm(name);
}
