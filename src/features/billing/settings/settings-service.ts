import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { longDate } from "../../../lib/dates.ts";
import { slugOf } from "../../../lib/slug.ts";
import type { Tariff } from "../../../tenancy/billing-schema.ts";
import { recordWrite } from "../../audit/service.ts";
import { linkServicesToRegie, unlinkServicesFromRegie } from "../../planning/offer/regie-link-service.ts";
import { billedDays } from "../pricing/billable.ts";
import { type Errors, parseTariff, type RawForm, type RegieForm, tariffValues } from "./settings-schemas.ts";

/** An admin of the town editing its régies and tariffs (issue 5, items 1 and 2). */
export interface Admin {
  tenant: { id: string };
  userId: string;
}

export type Outcome = { ok: true; id: string } | { ok: false; errors: Errors; locked?: boolean };

export const LOCKED_MESSAGE =
  "Ce tarif a déjà servi à des factures émises : il ne peut plus être modifié. " +
  "Ajoutez un nouveau tarif à partir d'une date ultérieure pour le remplacer.";

type Change = { entity: "regies" | "tariffs"; entityId: string; action: string; fields: string[] };

const audit = (trx: Trx, a: Admin, e: Change) =>
  recordWrite(trx, a.tenant.id, { kind: "staff", userId: a.userId }, { householdId: null, ...e });

const servicesOf = (trx: Trx) =>
  trx
    .selectFrom("services as s")
    .innerJoin("facilities as f", "f.id", "s.facility_id")
    .leftJoin("regies as r", "r.id", "s.regie_id")
    .select(["s.id", "s.key", "s.name", "s.regie_id", "r.name as regie_name"])
    .orderBy("f.position")
    .orderBy("s.position")
    .execute();

/** The town's régie of this id; 404 when there is none. */
export async function regieById(trx: Trx, id: string) {
  const regie = await trx.selectFrom("regies").selectAll().where("id", "=", id).executeTakeFirst();
  if (!regie) throw notFound();
  return regie;
}

/** The town's régies, by name. */
export const regiesByName = (trx: Trx) => trx.selectFrom("regies").selectAll().orderBy("name").execute();

/** « Régies »: each with the services it bills. */
export async function listRegies(trx: Trx) {
  const regies = await regiesByName(trx);
  const services = await servicesOf(trx);
  return regies.map((r) => ({ ...r, services: services.filter((s) => s.regie_id === r.id) }));
}

/** A régie's form (null: « Nouvelle régie »), with every service and who bills it. */
export async function regieForm(trx: Trx, id: string | null) {
  const regie = id ? await regieById(trx, id) : null;
  const services = await servicesOf(trx);
  const values: RawForm = regie
    ? {
        name: regie.name,
        numcli: regie.numcli,
        invoicePrefix: regie.invoice_prefix,
        collection: regie.collection,
        services: services.filter((s) => s.regie_id === regie.id).map((s) => s.key),
      }
    : { collection: "self", services: [] };
  const others = services.map((s) => ({ ...s, billedElsewhere: !!s.regie_id && s.regie_id !== id }));
  return { regie, services: others, values };
}

/** A key for a new régie from its name, unique in the town (« Régie ALSH » → regie-alsh). */
async function newKey(trx: Trx, name: string) {
  const base = slugOf(name, 50, "regie");
  const taken = new Set((await trx.selectFrom("regies").select("key").execute()).map((r) => r.key));
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  return key;
}

/** A service is billed by one régie at most; two régies never share an invoice prefix. */
async function regieErrors(trx: Trx, id: string | null, form: RegieForm): Promise<Errors> {
  const errors: Errors = {};
  const services = await servicesOf(trx);
  for (const key of form.services) {
    const s = services.find((x) => x.key === key);
    if (!s) errors.services ??= "Choisissez des services de la liste.";
    else if (s.regie_id && s.regie_id !== id)
      errors.services ??= `« ${s.name} » est déjà facturé par la régie « ${s.regie_name} ».`;
  }
  const clash = await trx
    .selectFrom("regies")
    .select("name")
    .where("invoice_prefix", "=", form.invoicePrefix)
    .$if(id !== null, (q) => q.where("id", "<>", id as string))
    .executeTakeFirst();
  if (clash) errors.invoicePrefix = `Ce préfixe est déjà celui de la régie « ${clash.name} ».`;
  return errors;
}

/** Which services the régie bills: exactly those checked. Returns whether anything moved. */
async function assignServices(trx: Trx, id: string, keys: string[]) {
  const added = await linkServicesToRegie(trx, id, keys);
  const removed = await unlinkServicesFromRegie(trx, id, keys);
  return added + removed > 0;
}

/** Creates (id null) or updates a régie and the services it bills; audited with the fields changed. */
export async function saveRegie(trx: Trx, a: Admin, id: string | null, form: RegieForm): Promise<Outcome> {
  const before = id ? await regieById(trx, id) : null;
  const errors = await regieErrors(trx, id, form);
  if (Object.keys(errors).length) return { ok: false, errors };
  const row = {
    name: form.name,
    numcli: form.numcli,
    invoice_prefix: form.invoicePrefix,
    collection: form.collection,
  };
  const saved = before
    ? await trx
        .updateTable("regies")
        .set(row)
        .where("id", "=", before.id)
        .returning("id")
        .executeTakeFirstOrThrow()
    : await trx
        .insertInto("regies")
        .values({ ...row, tenant_id: a.tenant.id, key: await newKey(trx, form.name) })
        .returning("id")
        .executeTakeFirstOrThrow();
  const moved = await assignServices(trx, saved.id, form.services);
  const changed = (Object.keys(row) as (keyof typeof row)[]).filter((k) => !before || before[k] !== row[k]);
  const fields: string[] = moved ? [...changed, "services"] : changed;
  if (fields.length)
    await audit(trx, a, {
      entity: "regies",
      entityId: saved.id,
      action: before ? "update" : "create",
      fields: fields,
    });
  return { ok: true, id: saved.id };
}

/** Every tariff with whether an issued invoice line of a day it priced exists (then it is locked). */
async function tariffRows(trx: Trx) {
  const rows = await sql<{
    id: string;
    service_id: string;
    effective_from: string;
    spec: Tariff;
    locked: boolean;
  }>`
    select t.id, t.service_id, t.effective_from::text as effective_from, t.spec,
      exists (
        select 1 from invoice_lines l join bookings b on b.id = l.booking_id
        where b.service_id = t.service_id and l.day >= t.effective_from and (t.until is null or l.day < t.until)
      ) as locked
    from (select *, lead(effective_from) over (partition by service_id order by effective_from) as until
          from tariffs) t
    order by t.effective_from`.execute(trx);
  return rows.rows;
}

/** « Tarifs »: per service, its tariffs by effective date. */
export async function listTariffs(trx: Trx) {
  const tariffs = await tariffRows(trx);
  return (await servicesOf(trx)).map((s) => ({
    ...s,
    tariffs: tariffs.filter((t) => t.service_id === s.id),
  }));
}

async function serviceById(trx: Trx, id: string) {
  const s = (await servicesOf(trx)).find((x) => x.id === id);
  if (!s) throw notFound();
  return s;
}

async function tariffById(trx: Trx, id: string) {
  const t = (await tariffRows(trx)).find((x) => x.id === id);
  if (!t) throw notFound();
  return { tariff: t, service: await serviceById(trx, t.service_id) };
}

/** The form of a tariff (locked when invoices used it). */
export async function tariffForm(trx: Trx, id: string) {
  const { tariff, service } = await tariffById(trx, id);
  return { tariff, service, values: tariffValues(tariff.spec) as RawForm };
}

/** « Ajouter un tarif »: the latest tariff's prices as a start, the date to choose. */
export async function newTariffForm(trx: Trx, serviceId: string) {
  const service = await serviceById(trx, serviceId);
  const latest = (await tariffRows(trx)).filter((t) => t.service_id === serviceId).at(-1);
  const values: RawForm = latest ? tariffValues(latest.spec) : { siblingReductionPercent: "0" };
  return { service, values: { ...values, from: "" } };
}

/** The last day of the service already billed on an issued invoice, if any. */
async function lastBilledDay(trx: Trx, serviceId: string): Promise<string | null> {
  const row = await billedDays(trx)
    .select((eb) => eb.fn.max("l.day").as("day"))
    .where("b.service_id", "=", serviceId)
    .executeTakeFirst();
  return row?.day ?? null;
}

/** Adds a tariff from a date after every billed day of the service (billed days keep their price). */
export async function createTariff(trx: Trx, a: Admin, serviceId: string, raw: RawForm): Promise<Outcome> {
  const service = await serviceById(trx, serviceId);
  const from = typeof raw.from === "string" ? raw.from.trim() : "";
  const parsed = parseTariff(raw, service.key, from);
  if (!parsed.ok) return parsed;
  const billed = await lastBilledDay(trx, serviceId);
  if (billed && from <= billed)
    return {
      ok: false,
      errors: {
        from: `Des journées sont déjà facturées jusqu'au ${longDate(billed)} : choisissez une date postérieure.`,
      },
    };
  const row = await trx
    .insertInto("tariffs")
    .values({
      tenant_id: a.tenant.id,
      service_id: serviceId,
      effective_from: from,
      spec: JSON.stringify(parsed.data),
    })
    .onConflict((oc) => oc.columns(["tenant_id", "service_id", "effective_from"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!row) return { ok: false, errors: { from: "Un tarif commence déjà à cette date : modifiez-le." } };
  await audit(trx, a, {
    entity: "tariffs",
    entityId: row.id,
    action: "create",
    fields: Object.keys(parsed.data),
  });
  return { ok: true, id: row.id };
}

/** Saves a tariff's prices; refused once an issued invoice used it (it may only be superseded). */
export async function updateTariff(trx: Trx, a: Admin, id: string, raw: RawForm): Promise<Outcome> {
  await trx.selectFrom("tariffs").select("id").where("id", "=", id).forUpdate().execute();
  const { tariff, service } = await tariffById(trx, id);
  if (tariff.locked) return { ok: false, locked: true, errors: { _form: LOCKED_MESSAGE } };
  const parsed = parseTariff(raw, service.key, tariff.effective_from);
  if (!parsed.ok) return parsed;
  const before = tariff.spec as Record<string, unknown>;
  const after = parsed.data as Record<string, unknown>;
  const fields = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (fields.length) {
    await trx
      .updateTable("tariffs")
      .set({ spec: JSON.stringify(parsed.data) })
      .where("id", "=", id)
      .execute();
    await audit(trx, a, { entity: "tariffs", entityId: id, action: "update", fields });
  }
  return { ok: true, id };
}
