import { verifyPassword } from "../../auth/password.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import type { Database, Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import type { Section } from "../../tenancy/config-schema.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import type { SectionHandler, Values } from "../requests/section-handler.ts";
import * as requestsService from "../requests/service.ts";
import * as householdRepo from "./repo.ts";
import { householdSections } from "./sections.ts";

/** The session's household: the only one these pages ever read or write. */
const householdOf = (s: SessionUser): string => {
  if (!s.householdId) throw notFound();
  return s.householdId;
};

/** Every query of these pages runs as the parent, fenced to that household. */
const parentCtx = (tenant: Tenant, s: SessionUser) => ({
  role: "app_parent" as const,
  tenantId: tenant.id,
  userId: s.userId,
  householdId: householdOf(s),
});

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

const FOYER_SECTIONS = ["responsable", "conjoint", "coordonnees", "caf", "fiscal", "bancaire"] as const;

/** « Mon profil » or « Mon foyer »: the household line and the sections shown. */
export function overview(db: Database, tenant: Tenant, s: SessionUser, which: "profil" | "foyer") {
  const sections: readonly Section[] = which === "profil" ? ["responsable"] : FOYER_SECTIONS;
  return db.withTenant(parentCtx(tenant, s), async (trx) => {
    const household = await householdRepo.household(trx, householdOf(s), []);
    const views: Partial<Record<Section, SectionView>> = {};
    for (const section of sections) views[section] = await sectionView(trx, householdOf(s), section);
    return { household, views };
  });
}

/** The values an edit form starts from (bank details are typed again, never shown in full). */
export function editView(db: Database, tenant: Tenant, s: SessionUser, section: Section) {
  return db.withTenant(parentCtx(tenant, s), async (trx) => {
    const household = await householdRepo.household(trx, householdOf(s), []);
    const view = await sectionView(trx, householdOf(s), section);
    const values =
      section === "bancaire" ? { account_holder: view.values?.account_holder ?? null } : view.values;
    return { household, view, values };
  });
}

export function modeOf(tenant: Tenant, section: Section) {
  return requestsService.modeOf(tenant, section);
}

/** Applies the change or sends it to the town, as the town's rules say. */
export function save(db: Database, tenant: Tenant, s: SessionUser, section: Section, values: Values) {
  return db.withTenant(parentCtx(tenant, s), (trx) =>
    requestsService.submitChange(
      trx,
      { tenant, actor: { kind: "parent", userId: s.userId }, householdId: householdOf(s) },
      section,
      null,
      values,
    ),
  );
}

/** Whether the password typed is the account's (asked again before bank details change). */
export async function checkPassword(db: Database, tenant: Tenant, s: SessionUser, password: string) {
  const digest = await db.withTenant(parentCtx(tenant, s), (trx) =>
    householdRepo.passwordHash(trx, s.userId),
  );
  return verifyPassword(digest, password);
}

/** « Supprimer l'autre responsable »: every value of the section emptied. */
export function removePartner(db: Database, tenant: Tenant, s: SessionUser) {
  const empty = Object.fromEntries(Object.keys(handler("conjoint").fields).map((k) => [k, null]));
  return save(db, tenant, s, "conjoint", empty);
}
