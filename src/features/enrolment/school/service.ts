import type { Trx } from "../../../db/database.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { notifyHousehold } from "../../../integrations/mail/household.ts";
import { nextNumber } from "../../../lib/counters.ts";
import { toCsv } from "../../../lib/csv.ts";
import { parisToday } from "../../../lib/dates.ts";
import { LEVELS } from "../../../tenancy/planning-schema.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import { householdChildren } from "../../planning/common/children-service.ts";
import { auditOf } from "../audit.ts";
import type { ParentCtx } from "../enrolments/service.ts";
import {
  type Attached,
  deposit,
  fieldOf,
  fields,
  labelOf,
  missing,
  staffView,
} from "../required-documents.ts";
import { certificatePdf } from "./certificate-pdf.ts";
import * as schoolRepo from "./repo.ts";
import { parseMap, streetKey } from "./school-map.ts";

const audit = auditOf("school_requests");

export interface SchoolForm {
  enfant: string;
  annee: string;
  niveau: string;
  derogation: boolean;
  ecole: string;
  motif: string;
}

/** The school years a family may ask for: the current one and the next. */
export function schoolYears(now: Date): string[] {
  const today = parisToday(now);
  const y = Number(today.slice(0, 4)) - (Number(today.slice(5, 7)) < 9 ? 1 : 0);
  return [`${y}-${y + 1}`, `${y + 1}-${y + 2}`];
}

/** What the form offers, with the sector school the household's address falls in. */
export async function formData(trx: Trx, ctx: ParentCtx) {
  const household = await trx
    .selectFrom("households")
    .select(["address_line"])
    .where("id", "=", ctx.householdId)
    .executeTakeFirstOrThrow();
  const address = household.address_line ?? "";
  const children = await householdChildren(trx, ctx.householdId);
  return {
    ...fields(ctx.tenant, await requiredDocuments(trx, ctx.tenant)),
    children,
    years: schoolYears(ctx.now),
    levels: LEVELS,
    schools: await schoolRepo.schools(trx),
    address,
    sector: address ? await schoolRepo.schoolOfStreet(trx, streetKey(address)) : null,
  };
}

/** « Nouvelle inscription scolaire »: saved « en attente », or every problem by field. */
export async function request(trx: Trx, ctx: ParentCtx, f: SchoolForm, files: Attached) {
  const data = await formData(trx, ctx);
  if (!data.children.some((c) => c.id === f.enfant)) throw notFound();
  const errors: Record<string, string> = {};
  if (!data.years.includes(f.annee)) errors.annee = "Choisissez l'année scolaire.";
  if (!(LEVELS as readonly string[]).includes(f.niveau)) errors.niveau = "Choisissez la classe.";
  if (f.derogation && !data.schools.includes(f.ecole))
    errors.ecole = "Choisissez une des écoles publiques de la commune.";
  if (f.derogation && !f.motif) errors.motif = "Indiquez le motif de la demande de dérogation.";
  if (!f.derogation && !data.sector)
    errors.derogation =
      "Votre adresse n'est pas dans la carte scolaire de la commune : demandez une dérogation en choisissant l'école.";
  if (!errors.annee && (await schoolRepo.hasLive(trx, f.enfant, f.annee)))
    errors.enfant = "Une inscription scolaire est déjà en cours pour cet enfant cette année-là.";
  const wanted = data.pieces.map((d) => d.type);
  for (const type of await missing(trx, ctx.householdId, f.enfant, wanted, files))
    errors[fieldOf(type)] = `Joignez ce document : la commune le demande (${labelOf(ctx.tenant, type)}).`;
  if (Object.keys(errors).length) return { ok: false as const, errors };
  const who = { userId: ctx.actor.userId, householdId: ctx.householdId, childId: f.enfant };
  await deposit(trx, ctx.tenant, who, files, wanted);
  const id = await schoolRepo.insert(trx, {
    tenantId: ctx.tenant.id,
    householdId: ctx.householdId,
    childId: f.enfant,
    year: f.annee,
    level: f.niveau,
    sector: data.sector,
    school: f.derogation ? f.ecole : (data.sector as string),
    derogationReason: f.derogation ? f.motif : null,
    userId: ctx.actor.userId,
  });
  await audit(trx, ctx.tenant, ctx.actor, ctx.householdId, "create", id);
  return { ok: true as const, id };
}

export function ofHousehold(trx: Trx, householdId: string) {
  return schoolRepo.ofHousehold(trx, householdId);
}

export async function withdraw(trx: Trx, ctx: ParentCtx, id: string) {
  const r = await schoolRepo.lockOne(trx, id);
  if (!r || r.household_id !== ctx.householdId) throw notFound();
  if (r.status !== "pending") return;
  await schoolRepo.decide(trx, id, { status: "withdrawn" });
  await audit(trx, ctx.tenant, ctx.actor, ctx.householdId, "withdraw", id);
}

/** Staff decide: accepted (a certificate number is given) or refused with a reason; e-mailed. */
export async function decide(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  id: string,
  d: { accept: true } | { accept: false; reason: string },
) {
  const r = await schoolRepo.lockOne(trx, id);
  if (!r) throw notFound();
  if (r.status !== "pending")
    throw new AppError("bad_request", 409, "Cette demande a déjà été traitée. Rien n'a été modifié.");
  if (d.accept) {
    const number = Number(await nextNumber(trx, tenant.id, "school_certificate", 1));
    await schoolRepo.decide(trx, id, { status: "accepted", number, by: actor.userId });
  } else await schoolRepo.decide(trx, id, { status: "refused", reason: d.reason, by: actor.userId });
  await audit(trx, tenant, actor, r.household_id, d.accept ? "accepted" : "refused", id);
  await notifyHousehold(trx, tenant, r.household_id, {
    template: "school-enrolment-decision",
    data: {
      accepted: d.accept,
      child: `${r.first_name} ${r.last_name}`,
      school: r.school,
      level: r.level,
      year: r.school_year,
      reason: d.accept ? null : d.reason,
    },
  });
}

/** The requests of a school (or all); a pending one with its required documents, given and missing. */
export async function staffList(trx: Trx, tenant: Tenant, school: string | undefined) {
  const wanted = await requiredDocuments(trx, tenant);
  const rows = await schoolRepo.listFor(trx, school);
  const piecesOf = staffView(trx, tenant);
  const out = [];
  for (const r of rows) {
    const shown = r.status === "pending" && wanted.length > 0;
    const documents = shown ? await piecesOf(r.household_id, r.child_id, wanted) : null;
    out.push({ ...r, documents });
  }
  return out;
}

/** The town's document types still known among those staff chose for school requests. */
export async function requiredDocuments(trx: Trx, tenant: Tenant): Promise<string[]> {
  const known = tenant.config.householdFile.documents.types.map((t) => t.key);
  return (await schoolRepo.requiredDocuments(trx)).filter((k) => known.includes(k));
}

/** « Pièces à fournir »: staff choose among the town's document types. */
export async function setRequiredDocuments(trx: Trx, tenant: Tenant, keys: string[]) {
  const known = tenant.config.householdFile.documents.types.map((t) => t.key);
  await schoolRepo.setRequiredDocuments(
    trx,
    tenant.id,
    known.filter((k) => keys.includes(k)),
  );
}

export function schools(trx: Trx) {
  return schoolRepo.schools(trx);
}

/** Imports the school map; a malformed file changes nothing. */
export async function importMap(trx: Trx, tenant: Tenant, text: string) {
  const parsed = parseMap(text);
  if (!parsed.ok) return parsed;
  await schoolRepo.replaceMap(trx, tenant.id, parsed.rows);
  return { ok: true as const, count: parsed.rows.length };
}

/** A school's class lists: the accepted children of a school year, by level. */
export async function classListCsv(trx: Trx, school: string, year: string) {
  const rows = (await schoolRepo.listFor(trx, school)).filter(
    (r) => r.status === "accepted" && r.school_year === year,
  );
  return toCsv([
    [
      "Année scolaire",
      "École",
      "Classe",
      "Nom",
      "Prénom",
      "Date de naissance",
      "Foyer",
      "N° Famille",
      "Adresse",
    ],
    ...rows.map((r) => [
      r.school_year,
      r.school,
      r.level,
      r.last_name,
      r.first_name,
      r.birth_date.split("-").reverse().join("/"),
      r.household_name,
      r.household_number,
      [r.address_line, r.postal_code, r.city].filter(Boolean).join(" "),
    ]),
  ]);
}

/** The certificate of an accepted request (parents: their own only, RLS too). */
export async function certificate(
  trx: Trx,
  tenant: Tenant,
  id: string,
  householdId: string | null,
  now: Date,
) {
  const r = await schoolRepo.findOne(trx, id);
  if (r?.status !== "accepted" || (householdId && r.household_id !== householdId)) throw notFound();
  return { pdf: await certificatePdf(tenant, r, parisToday(now)), number: r.certificate_number };
}
