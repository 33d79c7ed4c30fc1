import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { AppError } from "../../../http/errors.ts";
import { notifyHouseholds } from "../../../integrations/mail/household.ts";
import { addDays, parisToday, shortDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import { deliverIn } from "../../messages/broadcast-service.ts";
import { byHousehold, groupsOf, left } from "./checklist.ts";
import * as campaignRepo from "./repo.ts";

/** The sections a town may ask families to confirm (checklist.ts splits them per person). */
export const SECTIONS: { key: string; label: string }[] = [
  { key: "responsables", label: "Responsables (chaque responsable légal)" },
  { key: "coordonnees", label: "Coordonnées du foyer" },
  { key: "sante", label: "Santé de chaque enfant" },
  { key: "personnes", label: "Personnes autorisées de chaque enfant" },
  { key: "autorisations", label: "Autorisations (consentements) de chaque enfant" },
  { key: "documents", label: "Documents demandés" },
];

export type Outcome = { ok: true } | { ok: false; errors: Record<string, string> };

/** The open campaign as one household sees it: each person's items, what is ticked, its progress. */
export async function forHousehold(trx: Trx, householdId: string) {
  const c = await campaignRepo.openCampaign(trx);
  if (!c) return null;
  const answer = await campaignRepo.answerOf(trx, c.id, householdId);
  const people = await campaignRepo.people(trx, householdId);
  const groups = groupsOf(c.sections, people, new Set(answer?.checked ?? []));
  const items = groups.flatMap((g) => g.items);
  return {
    name: c.name,
    deadline: shortDate(c.deadline),
    groups,
    left: left(groups),
    total: items.length,
    done: items.filter((i) => i.checked).length,
    completed: answer?.completed_at !== null && answer?.completed_at !== undefined,
  };
}

/**
 * The home page's « À faire » entry while the town's campaign is open and the household (the
 * parent's own answer, by RLS) has not finished it; urgent in its last week.
 */
export async function homeActions(trx: Trx, now: Date) {
  const c = await campaignRepo.openCampaign(trx);
  if (!c || (await campaignRepo.hasCompleted(trx, c.id))) return [];
  return [
    {
      text: `Mise à jour du dossier « ${c.name} » à terminer avant le ${shortDate(c.deadline)}.`,
      href: "/mise-a-jour",
      link: "Mettre à jour mon dossier",
      urgent: c.deadline <= addDays(parisToday(now), 7),
    },
  ];
}

/** Ticks the items checked; every item of every person ticked, the household has finished. */
export async function check(trx: Trx, tenant: Tenant, householdId: string, keys: string[]): Promise<void> {
  const c = await campaignRepo.openCampaign(trx);
  if (!c) throw new AppError("gone", 410, "La mise à jour du dossier est close.");
  const people = await campaignRepo.people(trx, householdId);
  const items = groupsOf(c.sections, people, new Set()).flatMap((g) => g.items);
  const checked = items.map((i) => i.key).filter((k) => keys.includes(k));
  await campaignRepo.saveAnswer(trx, {
    tenantId: tenant.id,
    campaignId: c.id,
    householdId,
    checked,
    complete: checked.length === items.length,
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

/** Who has finished, who is under way, who has not started, and what each one still has to confirm. */
export async function follow(trx: Trx) {
  const c = await campaignRepo.openCampaign(trx);
  if (!c) return null;
  const peopleOf = byHousehold(await campaignRepo.people(trx));
  const rows = (await campaignRepo.progress(trx, c.id)).map((r) => ({
    ...r,
    left: left(groupsOf(c.sections, peopleOf(r.id), new Set(r.checked ?? []))),
  }));
  return {
    campaign: { ...c, deadlineLabel: shortDate(c.deadline) },
    finished: rows.filter((r) => r.completed_at),
    started: rows.filter((r) => !r.completed_at && (r.checked?.length ?? 0) > 0),
    notStarted: rows.filter((r) => !r.completed_at && (r.checked?.length ?? 0) === 0),
  };
}

/**
 * « Relancer les retardataires »: every household that has not finished gets a message in its
 * inbox (towns with « Mes messages », one statement for all) and an e-mail where a guardian said
 * yes to « Autorisation courriel »; in towns without an inbox the e-mail is the only channel.
 */
export async function remind(trx: Trx, tenant: Tenant, actor: Actor): Promise<number> {
  const f = await follow(trx);
  if (!f) return 0;
  const late = [...f.started, ...f.notStarted];
  const ids = late.map((h) => h.id);
  const data = { campaign: f.campaign.name, deadline: f.campaign.deadlineLabel };
  if (tenant.config.portal.inbox && ids.length)
    await deliverIn(
      trx,
      tenant,
      actor.userId,
      reminderMessage(tenant, data),
      sql`select unnest(${ids}::uuid[])`,
    );
  const mailed = tenant.config.portal.inbox ? await campaignRepo.consentingToEmail(trx, ids) : ids;
  await notifyHouseholds(
    trx,
    tenant,
    mailed.map((householdId) => ({ householdId, template: "campaign-reminder", data })),
  );
  await campaignRepo.markReminded(trx, tenant.id, f.campaign.id, ids);
  return late.length;
}

function reminderMessage(tenant: Tenant, d: { campaign: string; deadline: string }) {
  return {
    subject: `Rappel : mise à jour de votre dossier famille avant le ${d.deadline}`,
    body: `Bonjour,\n\nLa mise à jour de votre dossier famille (« ${d.campaign} ») n'est pas terminée. Merci de vérifier et confirmer chaque point dans « Mise à jour du dossier » avant le ${d.deadline}.\n\n${tenant.name}`,
    service: tenant.config.portal.messageServices[0] ?? "Accueil",
    audience: `Mise à jour du dossier : relance des retardataires (${d.campaign})`,
  };
}

export async function close(trx: Trx): Promise<void> {
  const c = await campaignRepo.openCampaign(trx);
  if (c) await campaignRepo.close(trx, c.id);
}
