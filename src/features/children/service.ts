import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import { parisToday } from "../../lib/form-fields.ts";
import { brandOf } from "../../lib/pdf-brand.ts";
import type { Section } from "../../tenancy/config-schema.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { recordWrite } from "../audit/service.ts";
import type { ChangeContext, SectionHandler, Values } from "../requests/service.ts";
import * as requestsService from "../requests/service.ts";
import * as childrenRepo from "./repo.ts";
import { parseVaccinations } from "./schemas.ts";
import { childSections } from "./sections.ts";

export { HEALTH_FIELDS } from "./sections.ts";

import { renderSheet } from "./sheet.ts";

/**
 * Who acts, in the caller's transaction: a parent on their own household, or the town's
 * staff on `householdId`'s file (RLS fences the town, and the household for a parent).
 */
export type Who = ChangeContext;

const handlerOf = (section: Section) => childSections[section] as SectionHandler;

/** A section's handler, with the town's own consent labels for « Autorisations ». */
function handlerFor(w: Who, section: Section): SectionHandler {
  const handler = handlerOf(section);
  if (section !== "autorisations") return handler;
  const labels = Object.fromEntries(w.tenant.config.householdFile.consents.map((c) => [c.key, c.label]));
  return { ...handler, fields: labels };
}

/** Age in whole years on today's date in Europe/Paris. */
function ageOf(birthDate: string, today = parisToday()): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

async function childOr404(trx: Trx, householdId: string, childId: string) {
  const child = await childrenRepo.findChild(trx, householdId, childId);
  if (!child) throw notFound();
  return { ...child, age: ageOf(child.birth_date) };
}

/** « Mes enfants »: the children, and the pending « Ajout d'enfant » request if any. */
export async function overview(trx: Trx, w: Who) {
  return {
    children: (await childrenRepo.listChildren(trx, w.householdId)).map((c) => ({
      ...c,
      age: ageOf(c.birth_date),
    })),
    pendingAdd: (await requestsService.pendingFor(trx, w.householdId, "ajout_enfant", null)) ?? null,
  };
}

const consentsOf = (tenant: Tenant, rows: { key: string; granted: boolean; answered_at: Date }[]) =>
  tenant.config.householdFile.consents.map((c) => {
    const row = rows.find((r) => r.key === c.key);
    return { ...c, answer: row ? (row.granted ? "oui" : "non") : null, answeredAt: row?.answered_at ?? null };
  });

/** A child's health record with its vaccinations, and the answers to the town's consents. */
async function healthAndConsents(trx: Trx, tenant: Tenant, householdId: string, childId: string) {
  const health = (await handlerOf("donnees_sanitaires").read(trx, householdId, childId)) as Values;
  return {
    health,
    vaccinations: parseVaccinations(String(health.vaccinations)),
    consents: consentsOf(tenant, await childrenRepo.listConsents(trx, householdId, childId)),
  };
}

/** The child's page: identity, health, authorised persons, consents, and the pending requests. */
export async function childFile(trx: Trx, w: Who, childId: string) {
  const { householdId } = w;
  const child = await childOr404(trx, householdId, childId);
  const pending = (section: Section, target: string | null) =>
    requestsService.pendingFor(trx, householdId, section, target);
  const persons = await childrenRepo.listPersons(trx, householdId, childId);
  const personAdd = await pending("personnes_autorisees", null);
  return {
    child,
    hasPhoto: (await childrenRepo.findPhoto(trx, householdId, childId)) !== null,
    ...(await healthAndConsents(trx, w.tenant, householdId, childId)),
    persons: await Promise.all(
      persons.map(async (p) => ({ ...p, pending: await pending("personnes_autorisees", p.id) })),
    ),
    personAdd: personAdd?.proposed_values.child_id === childId ? personAdd : null,
    pendingIdentity: await pending("donnees_complementaires", childId),
    pendingHealth: await pending("donnees_sanitaires", childId),
    pendingConsents: await pending("autorisations", childId),
  };
}

/** Staff: each child of a household with its health, authorised persons and consents (caller's transaction). */
export async function householdChildren(trx: Trx, tenant: Tenant, householdId: string) {
  const children = [];
  for (const child of await childrenRepo.listChildren(trx, householdId)) {
    children.push({
      ...child,
      age: ageOf(child.birth_date),
      ...(await healthAndConsents(trx, tenant, householdId, child.id)),
      persons: await childrenRepo.listPersons(trx, householdId, child.id),
    });
  }
  return children;
}

/** A section's form: the child, the values now on file, and the section's pending request. */
export async function sectionForm(trx: Trx, w: Who, childId: string, section: Section) {
  return {
    child: await childOr404(trx, w.householdId, childId),
    handler: handlerFor(w, section),
    current: (await handlerOf(section).read(trx, w.householdId, childId)) ?? {},
    pending: (await requestsService.pendingFor(trx, w.householdId, section, childId)) ?? null,
  };
}

const NEW_PERSON: Values = { can_pick_up: "oui", emergency_contact: "non", is_minor: "non" };

/** The form of one authorised person of the child (personId null: a new one). */
export async function personForm(trx: Trx, w: Who, childId: string, personId: string | null) {
  const child = await childOr404(trx, w.householdId, childId);
  const current = personId
    ? await handlerOf("personnes_autorisees").read(trx, w.householdId, personId)
    : NEW_PERSON;
  if (!current || (personId && current.child_id !== childId)) throw notFound();
  const pending = personId
    ? await requestsService.pendingFor(trx, w.householdId, "personnes_autorisees", personId)
    : null;
  const handler = handlerOf("personnes_autorisees");
  return { child, personId, current, handler, pending: pending ?? null };
}

/** « Ajouter un enfant »: created at once, or sent to the town as a request. */
export function addChild(trx: Trx, w: Who, values: Values) {
  return requestsService.submitChange(trx, w, "ajout_enfant", null, values);
}

/** A change of one of the child's own sections (identity, health, consents). */
export async function changeChild(trx: Trx, w: Who, childId: string, section: Section, values: Values) {
  await childOr404(trx, w.householdId, childId);
  return requestsService.submitChange(trx, w, section, childId, values);
}

/** Adds (personId null), edits or removes (values.supprimer = "oui") an authorised person. */
export async function changePerson(
  trx: Trx,
  w: Who,
  childId: string,
  personId: string | null,
  values: Values,
) {
  await childOr404(trx, w.householdId, childId);
  if (personId) {
    const person = await childrenRepo.findPerson(trx, w.householdId, personId);
    if (person?.child_id !== childId) throw notFound();
  }
  const proposed = personId ? values : { ...values, child_id: childId };
  return requestsService.submitChange(trx, w, "personnes_autorisees", personId, proposed);
}

/** What « Fiche enfant » shows: the child's file and photo, read in the caller's transaction. */
export async function sheetData(trx: Trx, w: Who, childId: string) {
  const data = await childFile(trx, w, childId);
  const photo = await childrenRepo.findPhoto(trx, w.householdId, childId);
  return { ...data, photo: photo?.content ?? null };
}

/** « Fiche enfant » as a PDF, outside any transaction: simple, or complete with the medical information. */
export async function sheet(tenant: Tenant, data: Awaited<ReturnType<typeof sheetData>>, complete: boolean) {
  const pdf = await renderSheet({
    brand: await brandOf(tenant),
    child: data.child,
    photo: data.photo,
    health: complete ? data.health : null,
    vaccinations: data.vaccinations,
    persons: data.persons,
    consents: data.consents,
  });
  return { pdf, firstName: data.child.first_name };
}

/** The child's photo to show; 404 for a child of another household, or without a photo. */
export async function photo(trx: Trx, w: Who, childId: string) {
  const found = await childrenRepo.findPhoto(trx, w.householdId, childId);
  if (!found) throw notFound();
  return found;
}

/** 404 unless the child is one of the household's (checked before a photo is even read). */
export async function ensureChild(trx: Trx, w: Who, childId: string) {
  await childOr404(trx, w.householdId, childId);
}

/**
 * The photo is not a change request (no image in requests or in the audit): every town
 * writes it at once (a checked JPEG, or null to remove it), and the audit names the field only.
 */
export async function writePhoto(trx: Trx, w: Who, childId: string, jpeg: Buffer | null) {
  await childOr404(trx, w.householdId, childId);
  await childrenRepo.setPhoto(trx, w.householdId, childId, jpeg);
  await recordWrite(trx, w.tenant.id, w.actor, {
    householdId: w.householdId,
    action: jpeg ? "update" : "delete",
    entity: "children",
    entityId: childId,
    fields: ["photo"],
  });
}
