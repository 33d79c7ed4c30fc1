import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import type { Section } from "../../../tenancy/config-schema.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import * as childrenService from "../../children/service.ts";
import * as completenessService from "../../completeness/service.ts";
import * as documentsService from "../../documents/service.ts";
import type { SectionHandler, Values } from "../../requests/service.ts";
import * as requestsService from "../../requests/service.ts";
import { sectionLabel } from "../../requests/service.ts";
import * as householdRepo from "../repo.ts";
import { householdSections } from "../sections.ts";
import { FOYER_SECTIONS, formStart, masked } from "../service.ts";
import * as staffRepo from "./staff-repo.ts";

export const PAGE_SIZE = 20;

const handler = (section: Section) => householdSections[section] as SectionHandler;

/** The term as the database compares it: lower case, no accents; a phone's digits (+33 → 0). */
export function searchTerms(q: string): staffRepo.SearchTerms {
  const text = q
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
  const compact = q.replace(/[\s.\-()]/g, "").replace(/^(?:\+|00)33/, "0");
  return { text, phone: /^\d{4,}$/.test(compact) ? compact : null };
}

/** « Rechercher un foyer »: one page of matches (all the town's households for an empty term). */
export async function search(trx: Trx, q: string, page: number) {
  const terms = searchTerms(q.slice(0, 100));
  const offset = (page - 1) * PAGE_SIZE;
  const found = await staffRepo.searchHouseholds(trx, terms, { limit: PAGE_SIZE, offset });
  return { ...found, pages: Math.max(1, Math.ceil(found.total / PAGE_SIZE)) };
}

async function householdOr404(trx: Trx, id: string) {
  // RLS: another town's id finds nothing.
  const household = await householdRepo.household(trx, id, []);
  if (!household) throw notFound();
  return household;
}

/** Staff read missing items on the file page itself: each parent page maps to its part. */
const ANCHORS: Record<string, string> = { "/profil": "#responsable", "/documents": "#documents" };
const anchorOf = (href: string) =>
  ANCHORS[href] ?? (href.startsWith("/enfants/") ? `#enfant-${href.slice(9)}` : "#foyer");

async function householdParts(trx: Trx, tenant: Tenant, id: string) {
  const sections: Partial<Record<Section, Values | null>> = {};
  for (const section of FOYER_SECTIONS)
    sections[section] = masked(section, await handler(section).read(trx, id, null));
  const pending = (await requestsService.pendingRequests(trx))
    .filter((r) => r.household_id === id)
    .map((r) => ({ id: r.id, label: sectionLabel(r.section), created_at: r.created_at }));
  const missing = (await completenessService.missingItems(trx, tenant, id)).map((m) => ({
    label: m.label,
    href: anchorOf(m.href),
  }));
  return { sections, pending, missing };
}

/** The household's whole file, as the town's staff see it (bank details masked). */
export async function file(trx: Trx, tenant: Tenant, id: string) {
  const household = await householdOr404(trx, id);
  return {
    household,
    accounts: await staffRepo.accounts(trx, id),
    ...(await householdParts(trx, tenant, id)),
    children: await childrenService.householdChildren(trx, tenant, id),
    documents: await documentsService.householdDocuments(trx, tenant, id),
    qfProof: await documentsService.latestOfType(trx, tenant, id, documentsService.QF_PROOF),
  };
}

/** A section's current values, for the staff's edit form (bank details are typed again, never shown). */
export async function editView(trx: Trx, id: string, section: Section) {
  const household = await householdOr404(trx, id);
  return { household, values: formStart(section, await handler(section).read(trx, id, null)) };
}

/** Staff change the file directly: applied at once whatever the town's mode, and audited. */
export async function save(
  trx: Trx,
  tenant: Tenant,
  userId: string,
  change: { householdId: string; section: Section; values: Values },
) {
  await householdOr404(trx, change.householdId);
  return requestsService.submitChange(
    trx,
    { tenant, actor: { kind: "staff", userId }, householdId: change.householdId },
    change.section,
    null,
    change.values,
  );
}
