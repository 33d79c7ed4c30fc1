import { type RawBuilder, sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { type RenderedMail, renderMail, renderMails } from "./render-mail.ts";

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

/** The mails rendered, each template once for all its mails (renderMails), in their order. */
function renderedInOrder(tenant: Tenant, mails: MailRequest[]): RenderedMail[] {
  const byTemplate = new Map<string, number[]>();
  mails.forEach((m, i) => {
    const list = byTemplate.get(m.template);
    if (list) list.push(i);
    else byTemplate.set(m.template, [i]);
  });
  const out: RenderedMail[] = new Array(mails.length);
  for (const [template, at] of byTemplate) {
    const rendered = renderMails(
      tenant,
      template,
      at.map((i) => (mails[i] as MailRequest).data),
    );
    at.forEach((i, n) => {
      out[i] = rendered[n] as RenderedMail;
    });
  }
  return out;
}

/**
 * The outbox rows of rendered e-mails, as a query (tenant_id, to_address, subject, text_body,
 * html_body) for an insert that a caller folds into a statement of its own.
 */
export function mailRows(tenant: Tenant, mails: MailRequest[]): RawBuilder<unknown> {
  const rendered = renderedInOrder(tenant, mails);
  return sql`
    select ${tenant.id}::uuid as tenant_id, u.to_address, u.subject, u.text_body, u.html_body
    from unnest(${mails.map((m) => m.to)}::text[], ${rendered.map((r) => r.subject)}::text[],
      ${rendered.map((r) => r.text)}::text[], ${rendered.map((r) => r.html)}::text[])
      as u(to_address, subject, text_body, html_body)`;
}

/**
 * The outbox insert of `mailRows`, queued only when `condition` holds, as the body of a
 * data-modifying CTE (`mail as (…)`) in a caller's statement: a booking's last statement mails
 * its confirmation only if the places it took are the ones the e-mail was written for.
 */
export function mailRowsWhen(rows: RawBuilder<unknown>, condition: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    insert into outbox (tenant_id, to_address, subject, text_body, html_body)
    select m.* from (${rows}) m where ${condition}
    returning 1`;
}

/**
 * Many personal e-mails (each its own data) in one statement: an invoicing run's thousands of
 * « Nouvelle facture » notices are one insert, and one batch of send_mail jobs.
 */
export async function queueMails(trx: Trx, tenant: Tenant, mails: MailRequest[]): Promise<void> {
  if (!mails.length) return;
  await sql`
    insert into outbox (tenant_id, to_address, subject, text_body, html_body)
    ${mailRows(tenant, mails)}`.execute(trx);
}
