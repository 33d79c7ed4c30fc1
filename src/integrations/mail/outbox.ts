import { type RawBuilder, sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { renderMail } from "./render-mail.ts";

export interface MailRequest {
  to: string;
  /** templates/emails/<template>.eta: first line "Objet : …", then paragraphs and « - » lists. */
  template: string;
  data: Record<string, unknown>;
}

/**
 * Writes the e-mail to the outbox in the caller's transaction: it is sent (by the
 * send_mail job) if and only if the change that causes it commits.
 */
export async function queueMail(trx: Trx, tenant: Tenant, mail: MailRequest): Promise<void> {
  const rendered = renderMail(tenant, mail.template, mail.data);
  await trx
    .insertInto("outbox")
    .values({
      tenant_id: tenant.id,
      to_address: mail.to,
      subject: rendered.subject,
      text_body: rendered.text,
      html_body: rendered.html,
    })
    .execute();
}

/** Outbox rows per statement: 5 parameters each, well under PostgreSQL's 65,535. */
const ROWS_PER_INSERT = 1000;

/** Many e-mails, each rendered for its reader, written in a few multi-row statements. */
export async function queueMails(trx: Trx, tenant: Tenant, mails: MailRequest[]): Promise<void> {
  for (let i = 0; i < mails.length; i += ROWS_PER_INSERT) {
    const rows = mails.slice(i, i + ROWS_PER_INSERT).map((mail) => {
      const rendered = renderMail(tenant, mail.template, mail.data);
      return {
        tenant_id: tenant.id,
        to_address: mail.to,
        subject: rendered.subject,
        text_body: rendered.text,
        html_body: rendered.html,
      };
    });
    await trx.insertInto("outbox").values(rows).execute();
  }
}

/**
 * The same e-mail (no personal data in it) to every address a query yields, in one
 * set-based statement: a broadcast to thousands of households is not thousands of round trips.
 */
export async function queueMailToAll(
  trx: Trx,
  tenant: Tenant,
  mail: { template: string; data: Record<string, unknown> },
  addresses: RawBuilder<{ address: string }>,
): Promise<number> {
  const m = renderMail(tenant, mail.template, mail.data);
  const result = await sql`
    insert into outbox (tenant_id, to_address, subject, text_body, html_body)
    select ${tenant.id}::uuid, a.address, ${m.subject}, ${m.text}, ${m.html}
    from (${addresses}) a`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
