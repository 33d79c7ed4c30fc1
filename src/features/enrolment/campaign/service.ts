import type { Trx } from "../../../db/database.ts";
import { AppError } from "../../../http/errors.ts";
import { notifyHousehold } from "../../../integrations/mail/household.ts";
import { parisToday, shortDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import * as campaignRepo from "./repo.ts";

/** The sections a town may ask families to confirm, with the page where each is checked. */
export const SECTIONS: { key: string; label: string; href: string }[] = [
  { key: "responsables", label: "Responsables (chaque responsable légal)", href: "/profil" },
  { key: "coordonnees", label: "Coordonnées du foyer", href: "/foyer" },
  { key: "sante", label: "Santé de chaque enfant", href: "/enfants" },
  { key: "personnes", label: "Personnes autorisées", href: "/enfants" },
  { key: "autorisations", label: "Autorisations (consentements)", href: "/enfants" },
  { key: "documents", label: "Documents demandés", href: "/documents" },
];

export type Outcome = { ok: true } | { ok: false; errors: Record<string, string> };

/** The open campaign as one household sees it: what to confirm, what is ticked, its progress. */
export async function forHousehold(trx: Trx, householdId: string) {
  const c = await campaignRepo.openCampaign(trx);
  if (!c) return null;
  const answer = await campaignRepo.answerOf(trx, c.id, householdId);
  const checked = new Set(answer?.checked ?? []);
  const sections = SECTIONS.filter((s) => c.sections.includes(s.key)).map((s) => ({
    ...s,
    checked: checked.has(s.key),
  }));
  return {
    name: c.name,
    deadline: shortDate(c.deadline),
    sections,
    done: sections.filter((s) => s.checked).length,
    completed: answer?.completed_at !== null && answer?.completed_at !== undefined,
  };
}

/** Ticks the sections checked; all of them ticked, the household has finished. */
export async function check(trx: Trx, tenant: Tenant, householdId: string, keys: string[]): Promise<void> {
  const c = await campaignRepo.openCampaign(trx);
  if (!c) throw new AppError("gone", 410, "La mise à jour du dossier est close.");
  const checked = c.sections.filter((s) => keys.includes(s));
  await campaignRepo.saveAnswer(trx, {
    tenantId: tenant.id,
    campaignId: c.id,
    householdId,
    checked,
    complete: checked.length === c.sections.length,
  });
}

/** Staff open the campaign: a name, a deadline not past, at least one section. */
export async function open(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  f: { name: string; deadline: string; sections: string[] },
  now: Date,
): Promise<Outcome> {
  const errors: Record<string, string> = {};
  if (!f.name) errors.nom = "Indiquez le nom de la campagne.";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.deadline) || f.deadline < parisToday(now))
    errors.echeance = "Indiquez une date limite à venir (JJ/MM/AAAA).";
  const sections = SECTIONS.map((s) => s.key).filter((k) => f.sections.includes(k));
  if (sections.length === 0) errors.sections = "Cochez au moins une rubrique à confirmer.";
  if (!errors.nom && (await campaignRepo.openCampaign(trx))) errors.nom = "Une campagne est déjà ouverte.";
  if (Object.keys(errors).length) return { ok: false, errors };
  await campaignRepo.open(trx, {
    tenantId: tenant.id,
    name: f.name.slice(0, 200),
    deadline: f.deadline,
    sections,
    by: actor.userId,
  });
  return { ok: true };
}

/** Who has finished, who is under way, who has not started. */
export async function follow(trx: Trx) {
  const c = await campaignRepo.openCampaign(trx);
  if (!c) return null;
  const rows = await campaignRepo.progress(trx, c.id);
  return {
    campaign: { ...c, deadlineLabel: shortDate(c.deadline) },
    finished: rows.filter((r) => r.completed_at),
    started: rows.filter((r) => !r.completed_at && (r.checked?.length ?? 0) > 0),
    notStarted: rows.filter((r) => !r.completed_at && (r.checked?.length ?? 0) === 0),
  };
}

/** « Relancer les retardataires »: every household that has not finished gets an e-mail. */
export async function remind(trx: Trx, tenant: Tenant): Promise<number> {
  const f = await follow(trx);
  if (!f) return 0;
  const late = [...f.started, ...f.notStarted];
  for (const h of late)
    await notifyHousehold(trx, tenant, h.id, {
      template: "campaign-reminder",
      data: { campaign: f.campaign.name, deadline: f.campaign.deadlineLabel },
    });
  await campaignRepo.markReminded(
    trx,
    tenant.id,
    f.campaign.id,
    late.map((h) => h.id),
  );
  return late.length;
}

export async function close(trx: Trx): Promise<void> {
  const c = await campaignRepo.openCampaign(trx);
  if (c) await campaignRepo.close(trx, c.id);
}
