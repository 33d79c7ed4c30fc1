import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { everyOr404 } from "./errors.ts";

function childrenOf(trx: Trx, householdId: string) {
  return trx
    .selectFrom("children")
    .select(["id", "first_name", "last_name", "birth_date", "class_level"])
    .where("household_id", "=", householdId)
    .orderBy("birth_date")
    .orderBy("first_name");
}

export type HouseholdChild = Awaited<ReturnType<ReturnType<typeof childrenOf>["execute"]>>[number];

/** What a message needs of a child: who, and the name to show. */
export type NamedChild = Pick<HouseholdChild, "id" | "first_name" | "last_name">;

/** The household's children, oldest first. */
export function householdChildren(trx: Trx, householdId: string): Promise<HouseholdChild[]> {
  return childrenOf(trx, householdId).execute();
}

/** The household's children among `ids`, or 404 if any is not theirs (RLS hides others' too). */
export function ownChildren(trx: Trx, householdId: string, ids: string[]): Promise<HouseholdChild[]> {
  return everyOr404(ids, (unique) => childrenOf(trx, householdId).where("id", "in", unique).execute());
}

/** The household's child `id`, or 404 (RLS hides others' too). */
export function ownChild(trx: Trx, householdId: string, id: string): Promise<HouseholdChild> {
  return childrenOf(trx, householdId).where("id", "=", id).executeTakeFirstOrThrow(notFound);
}

/** A child's days, gathered from rows of several children (in the rows' order), with the child's full name. */
export function perChild<R extends { child_id: string; first_name: string; last_name: string }, T>(
  rows: R[],
  dayOf: (r: R) => T,
): { childId: string; name: string; days: T[] }[] {
  const children = new Map<string, { childId: string; name: string; days: T[] }>();
  for (const r of rows) {
    const child = children.get(r.child_id) ?? {
      childId: r.child_id,
      name: `${r.first_name} ${r.last_name}`,
      days: [],
    };
    child.days.push(dayOf(r));
    children.set(r.child_id, child);
  }
  return [...children.values()];
}
