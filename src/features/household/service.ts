import { findParentUser } from "../../auth/parent-users-service.ts";
import type { Trx } from "../../db/database.ts";
import { AppError, notFound } from "../../http/errors.ts";
import type { Section } from "../../tenancy/config-schema.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import * as documentsService from "../documents/service.ts";
import type { SectionHandler, Values } from "../requests/service.ts";
import * as requestsService from "../requests/service.ts";
import type { Parent } from "./context.ts";
import { accessOf, invitesAllowed } from "./invite.ts";
import * as householdRepo from "./repo.ts";
import { householdSections } from "./sections.ts";

/**
 * The session's own guardian section: « responsable » for the account holder (rank 1),
 * « conjoint » for the other guardian once invited to their own login (rank 2).
 */
export async function mySection(trx: Trx, p: Parent): Promise<"responsable" | "conjoint"> {
  const me = await householdRepo.guardianOfUser(trx, p.householdId, p.userId);
  return me?.rank === 2 ? "conjoint" : "responsable";
}

function handler(section: Section): SectionHandler {
  const h = householdSections[section];
  if (!h) throw new Error(`no household section ${section}`);
  return h;
}

/** « FR76 •••• •••• 1234 »: enough for the parent to recognise the account. */
const maskIban = (iban: string) => `${iban.slice(0, 4)} •••• •••• ${iban.slice(-4)}`;

export const masked = (section: Section, values: Values | null): Values | null => {
  if (!values || section !== "bancaire" || typeof values.iban !== "string") return values;
  return { ...values, iban: maskIban(values.iban) };
};

/** A section's values and its pending request, bank details masked. */
async function sectionView(trx: Trx, householdId: string, section: Section) {
  const request = await requestsService.pendingFor(trx, householdId, section, null);
  const maskedRequest = request && {
    ...request,
    current_values: masked(section, request.current_values as Values) ?? {},
    proposed_values: masked(section, request.proposed_values as Values) ?? {},
  };
  return {
    values: masked(section, await handler(section).read(trx, householdId, null)),
    pending: maskedRequest ?? null,
    handler: handler(section),
  };
}

type SectionView = Awaited<ReturnType<typeof sectionView>>;

/** The sections of « Mon foyer », and of the household's file the staff read. */
export const FOYER_SECTIONS = [
  "responsable",
  "conjoint",
  "coordonnees",
  "caf",
  "fiscal",
  "bancaire",
] as const;

/** The other guardian on « Mon foyer »: whether they have their own login, may be invited. */
async function partnerOf(trx: Trx, tenant: Tenant, p: Parent, other: "responsable" | "conjoint") {
  const g = await householdRepo.guardian(trx, p.householdId, other === "conjoint" ? 2 : 1);
  if (!g) return null;
  const access = await accessOf(trx, p, g.user_id);
  const canInvite = invitesAllowed(tenant) && access === "none" && Boolean(g.email);
  return { id: g.id, access, canInvite };
}

/** « Mon profil » or « Mon foyer »: the household line, the sections shown, who is « Moi ». */
export async function overview(trx: Trx, tenant: Tenant, p: Parent, which: "profil" | "foyer") {
  const me = await mySection(trx, p);
  const other = me === "responsable" ? "conjoint" : "responsable";
  const sections: readonly Section[] = which === "profil" ? [me] : FOYER_SECTIONS;
  const household = await householdRepo.household(trx, p.householdId, []);
  const views: Partial<Record<Section, SectionView>> = {};
  for (const section of sections) views[section] = await sectionView(trx, p.householdId, section);
  const partner = which === "foyer" ? await partnerOf(trx, tenant, p, other) : null;
  const qfProof =
    which === "foyer"
      ? await documentsService.latestOfType(trx, tenant, p.householdId, documentsService.QF_PROOF)
      : undefined;
  return { household, views, me, other, partner, qfProof };
}

/** The values an edit form starts from, parent's or staff's: bank details are typed again, never shown. */
export const formStart = (section: Section, values: Values | null): Values | null =>
  section === "bancaire" ? { account_holder: values?.account_holder ?? null } : values;

/** A section's edit form: the household line, the section's view, and the values it starts from. */
export async function editView(trx: Trx, householdId: string, section: Section) {
  const household = await householdRepo.household(trx, householdId, []);
  const view = await sectionView(trx, householdId, section);
  return { household, view, values: formStart(section, view.values) };
}

export function modeOf(tenant: Tenant, section: Section) {
  return requestsService.modeOf(tenant, section);
}

/** Applies the change or sends it to the town, as the town's rules say. */
export async function save(trx: Trx, tenant: Tenant, p: Parent, section: Section, values: Values) {
  // The invited guardian edits their own row; the account holder's is theirs alone.
  if (section === "responsable" && (await mySection(trx, p)) === "conjoint") throw notFound();
  return requestsService.submitChange(
    trx,
    { tenant, actor: { kind: "parent", userId: p.userId }, householdId: p.householdId },
    section,
    null,
    values,
  );
}

/** The account's password digest, for the password asked again before bank details change. */
export async function passwordDigest(trx: Trx, userId: string) {
  return (await findParentUser(trx, userId))?.password_hash ?? null;
}

const partnerHasAccount = () =>
  new AppError(
    "bad_request",
    409,
    "L'autre responsable a son propre accès au portail : adressez-vous à la commune pour le retirer du foyer.",
  );

/** « Supprimer l'autre responsable »: every value of the section emptied. */
export async function removePartner(trx: Trx, tenant: Tenant, p: Parent) {
  const partner = await householdRepo.guardian(trx, p.householdId, 2);
  if (partner?.user_id) throw partnerHasAccount();
  const empty = Object.fromEntries(Object.keys(handler("conjoint").fields).map((k) => [k, null]));
  return save(trx, tenant, p, "conjoint", empty);
}
