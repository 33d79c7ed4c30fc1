import { sql } from "kysely";
import type { Database } from "../../db/database.ts";
import type { Logger } from "../../lib/log.ts";
import type { SendMail } from "./transport.ts";

export interface OutboxJob {
  tenantId: string;
  id: string;
}

/**
 * Sends one outbox message. SMTP happens between two transactions, never inside one;
 * a failure is recorded and rethrown so the queue retries with backoff.
 */
export function createMailRelay(db: Database, send: SendMail, from: string, log: Logger) {
  const ctx = (tenantId: string) => ({ role: "app_jobs" as const, tenantId });
  return async function relay(job: OutboxJob): Promise<void> {
    const msg = await db.withTenant(ctx(job.tenantId), (trx) =>
      trx.selectFrom("outbox").selectAll().where("id", "=", job.id).executeTakeFirst(),
    );
    if (!msg || msg.sent_at) return;
    try {
      await send({
        from,
        to: msg.to_address,
        subject: msg.subject,
        text: msg.text_body,
        html: msg.html_body,
        messageId: `<outbox-${msg.id}@parvis.invalid>`,
      });
    } catch (error) {
      await db.withTenant(ctx(job.tenantId), (trx) =>
        trx
          .updateTable("outbox")
          .set({ attempts: sql`attempts + 1`, last_error: String(error).slice(0, 500) })
          .where("id", "=", job.id)
          .execute(),
      );
      log.warn({ tenantId: job.tenantId, outboxId: job.id, err: String(error) }, "mail not sent, will retry");
      throw error;
    }
    await db.withTenant(ctx(job.tenantId), (trx) =>
      trx
        .updateTable("outbox")
        .set({ sent_at: sql`now()`, attempts: sql`attempts + 1`, last_error: null })
        .where("id", "=", job.id)
        .execute(),
    );
    log.info({ tenantId: job.tenantId, outboxId: job.id }, "mail sent");
  };
}
