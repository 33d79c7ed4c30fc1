import { stringify } from "yaml";
import type { Trx } from "../db/database.ts";
import { type TenantConfig, tenantConfigSchema } from "./config-schema.ts";
import type { BookingRules } from "./planning-schema.ts";

/** Drops the keys whose value is null or undefined (the file omits what is not set). */
const defined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

async function offerRows(trx: Trx) {
  const facilities = await trx
    .selectFrom("facilities")
    .select(["id", "key", "name"])
    .orderBy("position")
    .orderBy("key")
    .execute();
  const services = await trx
    .selectFrom("services")
    .select(["id", "key", "name", "unit", "eligibility", "rules", "facility_id", "regie_id"])
    .orderBy("position")
    .orderBy("key")
    .execute();
  const periods = await trx.selectFrom("periods").selectAll().orderBy("starts_on").orderBy("key").execute();
  return { facilities, services, periods };
}

type PeriodRow = Awaited<ReturnType<typeof offerRows>>["periods"][number];

/** A period as the tenant file writes it, its service named by key. */
const periodEntry = (p: PeriodRow, service: string) =>
  defined({
    key: p.key,
    service,
    name: p.name,
    category: p.category,
    start: p.starts_on,
    end: p.ends_on,
    weekdays: p.weekdays,
    closures: p.closures,
    schoolDaysOnly: p.school_days_only,
    bookingOpensOn: p.booking_opens_on,
    bookingClosesOn: p.booking_closes_on,
    rules: p.rules,
  });

async function offer(trx: Trx) {
  const { facilities, services, periods } = await offerRows(trx);
  const facilityKey = new Map(facilities.map((f) => [f.id, f.key]));
  const serviceKey = new Map(services.map((s) => [s.id, s.key]));
  return {
    services,
    serviceKey,
    facilities: facilities.map((f) => ({ key: f.key, name: f.name })),
    serviceList: services.map((s) => ({
      key: s.key,
      facility: facilityKey.get(s.facility_id) as string,
      name: s.name,
      unit: s.unit,
      eligibility: s.eligibility,
      rules: s.rules as Partial<BookingRules>,
    })),
    periods: periods.map((p) => periodEntry(p, serviceKey.get(p.service_id) as string)),
  };
}

/**
 * A town's configuration as it is now, as a tenant file: the settings of its tenants row, with
 * the offer, régies and tariffs read back from their tables (the back-office edits those).
 * Runs in the town's context (app_staff). The result passes the tenant schema.
 */
export async function exportConfig(trx: Trx): Promise<TenantConfig> {
  const town = await trx.selectFrom("tenants").select("config").executeTakeFirstOrThrow();
  const current = tenantConfigSchema.parse(town.config);
  const o = await offer(trx);
  const regies = await trx.selectFrom("regies").selectAll().orderBy("key").execute();
  const tariffs = await trx.selectFrom("tariffs").selectAll().orderBy("effective_from").execute();
  return tenantConfigSchema.parse({
    ...current,
    planning: { ...current.planning, facilities: o.facilities, services: o.serviceList, periods: o.periods },
    billing: {
      ...current.billing,
      regies: regies
        .map((r) => ({
          key: r.key,
          name: r.name,
          numcli: r.numcli,
          invoicePrefix: r.invoice_prefix,
          collection: r.collection,
          services: o.services.filter((s) => s.regie_id === r.id).map((s) => s.key),
        }))
        .filter((r) => r.services.length > 0),
      tariffs: tariffs
        .map((t) => ({
          ...t.spec,
          service: o.serviceKey.get(t.service_id) as string,
          from: t.effective_from,
        }))
        .sort((a, b) => a.service.localeCompare(b.service) || a.from.localeCompare(b.from)),
    },
  });
}

export const toTenantFile = (config: TenantConfig) =>
  `# Fichier de commune Parvis (schéma : /schema/commune.json sur la console des opérateurs)\n${stringify(config)}`;
