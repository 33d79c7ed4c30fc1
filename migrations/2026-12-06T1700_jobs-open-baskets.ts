import { type Kysely, sql } from "kysely";

/**
 * Issue 10: the jobs persona opens baskets. A place given automatically from the waiting
 * list (promote_waiting, expire_offer, a basket's expiry) in a service paid at booking goes
 * into the household's basket, opened if it has none; days added to a basket after its
 * PayFiP page, when that page is paid late, move to a new basket with the same deadline.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create policy jobs_insert on baskets for insert to app_jobs with check (true);
    grant insert on baskets to app_jobs;
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
