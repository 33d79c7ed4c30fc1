import type { Context } from "hono";
import type { SessionUser } from "../auth/sessions.ts";
import { type Database, type TenantContext, type Transact, type Trx, townJobs } from "../db/database.ts";
import type { AppEnv } from "./types.ts";

/**
 * The request scope (architecture §4): the guards (`requireParent`, `requireStaff`) put the
 * caller's database context on the request once; handlers open their transaction with it and
 * hand `trx` to the services. Nothing rebuilds a context from the session by hand.
 */
export function setCallerScope(c: Context<AppEnv>): void {
  const s = c.get("session");
  if (s) c.set("scope", sessionScope(c.get("tenant").id, s));
}

/** A signed-in person's own database context: their persona, town and (a parent's) household. */
export function sessionScope(
  tenantId: string,
  s: Pick<SessionUser, "kind" | "userId" | "householdId">,
): TenantContext & { userId: string } {
  const role = s.kind === "parent" ? "app_parent" : "app_staff";
  return { role, tenantId, userId: s.userId, householdId: s.householdId };
}

/** The caller's context, as the guard set it. */
export function callerScope(c: Context<AppEnv>): TenantContext & { userId: string } {
  const scope = c.get("scope");
  if (!scope) throw new Error("no guard set the request scope");
  return scope;
}

/** The household the signed-in parent belongs to (behind `requireParent`). */
export function callerHousehold(c: Context<AppEnv>): string {
  const id = callerScope(c).householdId;
  if (!id) throw new Error("the request scope has no household");
  return id;
}

/** A door handlers open: the request's transaction, as the context `scopeOf` reads from the request. */
const door =
  (scopeOf: (c: Context<AppEnv>) => TenantContext) =>
  <T>(c: Context<AppEnv>, db: Database, fn: (trx: Trx) => Promise<T>): Promise<T> =>
    db.withTenant(scopeOf(c), fn);

/** Opens the request's transaction as the caller: the one door handlers use to town data. */
export const inTransaction = door(callerScope);

/** The caller's transactions, for such a service. */
export const callerTransact =
  (c: Context<AppEnv>, db: Database): Transact =>
  (fn) =>
    inTransaction(c, db, fn);

/**
 * The town's jobs persona, for a request that no one signs: PayFiP's return and notification
 * (the returning browser may have no session), and what only that persona does (issuing a
 * paid basket's invoice).
 */
export const townJobsTransact = (c: Context<AppEnv>, db: Database): Transact =>
  townJobs(db, c.get("tenant").id);

const visitorScope = (c: Context<AppEnv>): TenantContext => ({
  role: "app_auth",
  tenantId: c.get("tenant").id,
});

/**
 * The request's town as a visitor (`app_auth`), whoever is signed in: what anyone may do
 * without an account there (the public news, the preregistration form, a support link).
 */
export const visitorTransaction = door(visitorScope);

/** Whoever reads: a signed-in person as themselves, anyone else as a visitor of the town. */
export const readerTransaction = door((c) => {
  const s = c.get("session");
  return s ? sessionScope(c.get("tenant").id, s) : visitorScope(c);
});

/** The console's signed-in operator (`app_operator`, above every town), behind `requireOperator`. */
export const operatorTransaction = door((c) => {
  const op = c.get("operator");
  if (!op) throw new Error("no operator signed in");
  return { role: "app_operator", tenantId: null, userId: op.operatorId };
});
