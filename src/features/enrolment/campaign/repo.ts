import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";

export function openCampaign(trx: Trx) {
  return trx.selectFrom("update_campaigns").selectAll().where("status", "=", "open").executeTakeFirst();
}

export async function open(
  trx: Trx,
  v: { tenantId: string; name: string; deadline: string; sections: string[]; by: string },
) {
  await trx
    .insertInto("update_campaigns")
    .values({
      tenant_id: v.tenantId,
      name: v.name,
      deadline: v.deadline,
      sections: v.sections,
      opened_by: v.by,
    })
    .execute();
}

export async function close(trx: Trx, id: string) {
  await trx
    .updateTable("update_campaigns")
    .set({ status: "closed", closed_at: sql`now()` })
    .where("id", "=", id)
    .execute();
}

/** The campaign's answers, one per household that opened its checklist. */
const answers = (trx: Trx, campaignId: string) =>
  trx.selectFrom("campaign_answers").where("campaign_id", "=", campaignId);

export function answerOf(trx: Trx, campaignId: string, householdId: string) {
  return answers(trx, campaignId).selectAll().where("household_id", "=", householdId).executeTakeFirst();
}

/** Whether an answer the session may read (a parent: their own household's) is finished. */
export async function hasCompleted(trx: Trx, campaignId: string): Promise<boolean> {
  const row = await answers(trx, campaignId)
    .select("household_id")
    .where("completed_at", "is not", null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function saveAnswer(
  trx: Trx,
  v: { tenantId: string; campaignId: string; householdId: string; checked: string[]; complete: boolean },
) {
  const completed = v.complete ? sql<Date>`now()` : null;
  await trx
    .insertInto("campaign_answers")
    .values({
      tenant_id: v.tenantId,
      campaign_id: v.campaignId,
      household_id: v.householdId,
      checked: v.checked,
      completed_at: completed,
    })
    .onConflict((oc) =>
      oc
        .columns(["tenant_id", "campaign_id", "household_id"])
        .doUpdateSet({ checked: v.checked, completed_at: completed, updated_at: sql`now()` }),
    )
    .execute();
}

/** Every household of the town with where it stands in the campaign. */
export function progress(trx: Trx, campaignId: string) {
  return trx
    .selectFrom("households as h")
    .leftJoin("campaign_answers as a", (j) =>
      j.onRef("a.household_id", "=", "h.id").on("a.campaign_id", "=", campaignId),
    )
    .select(["h.id", "h.name", "h.number", "a.checked", "a.completed_at", "a.reminded_at"])
    .orderBy("h.name")
    .execute();
}

export async function markReminded(trx: Trx, tenantId: string, campaignId: string, householdIds: string[]) {
  if (householdIds.length === 0) return;
  await sql`insert into campaign_answers (tenant_id, campaign_id, household_id, reminded_at)
    select ${tenantId}::uuid, ${campaignId}::uuid, h, now() from unnest(${householdIds}::uuid[]) as t(h)
    on conflict (tenant_id, campaign_id, household_id) do update set reminded_at = now()`.execute(trx);
}

/** The people a checklist names, each table in the order the household's pages list them. */
const PEOPLE_ORDER = { guardians: "rank", children: "birth_date" } as const;

function peopleIn(trx: Trx, table: keyof typeof PEOPLE_ORDER, householdId: string | undefined) {
  return trx
    .selectFrom(table)
    .select(["id", "household_id", "first_name", "last_name"])
    .$if(householdId !== undefined, (q) => q.where("household_id", "=", householdId as string))
    .orderBy(PEOPLE_ORDER[table])
    .execute();
}

/** The guardians and children of one household, or of every household (staff's follow-up). */
export async function people(trx: Trx, householdId?: string) {
  return {
    guardians: await peopleIn(trx, "guardians", householdId),
    children: await peopleIn(trx, "children", householdId),
  };
}

/** The households among these where a guardian said yes to « Autorisation courriel ». */
export async function consentingToEmail(trx: Trx, householdIds: string[]): Promise<string[]> {
  if (householdIds.length === 0) return [];
  const rows = await trx
    .selectFrom("guardians")
    .select("household_id")
    .distinct()
    .where("consent_email", "=", true)
    .where("household_id", "in", householdIds)
    .execute();
  return rows.map((r) => r.household_id);
}
