import { type Insertable, sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import type { DocumentsTable } from "../../db/household-types.ts";

/** What lists show: never the content. */
const LISTED = [
  "documents.id",
  "documents.household_id",
  "documents.child_id",
  "documents.type",
  "documents.filename",
  "documents.size",
  "documents.state",
  "documents.reason",
  "documents.valid_until",
  "documents.created_at",
] as const;

const listed = (trx: Trx) => trx.selectFrom("documents").select(LISTED);

/** The household's documents (RLS keeps a parent to their own), newest first. */
export function listForHousehold(trx: Trx, householdId: string) {
  return listed(trx).where("household_id", "=", householdId).orderBy("created_at", "desc").execute();
}

/** The town's documents waiting for a decision, oldest first, with their household and child. */
export function listDeposited(trx: Trx) {
  return listed(trx)
    .innerJoin("households", (j) =>
      j
        .onRef("households.tenant_id", "=", "documents.tenant_id")
        .onRef("households.id", "=", "documents.household_id"),
    )
    .leftJoin("children", (j) =>
      j
        .onRef("children.tenant_id", "=", "documents.tenant_id")
        .onRef("children.id", "=", "documents.child_id"),
    )
    .select([
      "households.name as household_name",
      "households.number as household_number",
      "children.first_name as child_first_name",
      "children.last_name as child_last_name",
    ])
    .where("documents.state", "=", "deposited")
    .orderBy("documents.created_at", "asc")
    .execute();
}

const householdChildren = (trx: Trx, householdId: string) =>
  trx
    .selectFrom("children")
    .select(["id", "first_name", "last_name"])
    .where("household_id", "=", householdId);

export function childrenOf(trx: Trx, householdId: string) {
  return householdChildren(trx, householdId).orderBy("birth_date").orderBy("first_name").execute();
}

export function findChild(trx: Trx, householdId: string, childId: string) {
  return householdChildren(trx, householdId).where("id", "=", childId).executeTakeFirst();
}

/** A deposited document: the columns as stored, its state left to its default (« déposé »). */
export async function insert(trx: Trx, row: Omit<Insertable<DocumentsTable>, "state">): Promise<string> {
  const { id } = await trx.insertInto("documents").values(row).returning("id").executeTakeFirstOrThrow();
  return id;
}

/** One file with its content; undefined when RLS (or the id) hides it. */
export function findFile(trx: Trx, id: string) {
  return trx
    .selectFrom("documents")
    .select(["id", "filename", "mime", "size", "content"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function exists(trx: Trx, id: string): Promise<boolean> {
  return !!(await trx.selectFrom("documents").select("id").where("id", "=", id).executeTakeFirst());
}

/** Locks one document for a decision. */
export function findForDecision(trx: Trx, id: string) {
  return trx
    .selectFrom("documents")
    .select(["id", "household_id", "type", "filename", "state"])
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function decide(
  trx: Trx,
  id: string,
  d: { state: "validated" | "refused"; reason: string | null; decidedBy: string },
): Promise<void> {
  await trx
    .updateTable("documents")
    .set({
      state: d.state,
      reason: d.reason,
      decided_by: d.decidedBy,
      decided_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where("id", "=", id)
    .execute();
}
