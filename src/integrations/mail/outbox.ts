import { type RawBuilder, sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import { eta, textEta } from "../../http/render.ts";
import type { Tenant } from "../../tenancy/resolve.ts";

export interface MailRequest {
  to: string;
  /** templates/emails/<template>.eta: first line "Objet : …", then the text. */
  template: string;
  data: Record<string, unknown>;
}

/**
 * Writes the e-mail to the outbox in the caller's transaction: it is sent (by the
 * send_mail job) if and only if the change that causes it commits.
 */
export async function queueMail(trx: Trx, tenant: Tenant, mail: MailRequest): Promise<void> {
  await trx
    .insertInto("outbox")
    .values({ tenant_id: tenant.id, to_address: mail.to, ...renderMail(tenant, mail.template, mail.data) })
    .execute();
}

/** Subject, text and HTML of one e-mail template. */
function renderMail(tenant: Tenant, template: string, data: Record<string, unknown>) {
  const rendered = textEta.render(`emails/${template}`, { tenant, cfg: tenant.config, ...data });
  const [first = "", ...rest] = rendered.replace(/^\s+/, "").split("\n");
  const subject = first.replace(/^Objet : /, "").trim();
  const text = rest.join("\n").trim();
  return {
    subject: `${subject} – ${tenant.config.shortName}`,
    text_body: text,
    html_body: eta.render("emails/_layout", { tenant, cfg: tenant.config, paragraphs: paragraphs(text) }),
  };
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
    select ${tenant.id}::uuid, a.address, ${m.subject}, ${m.text_body}, ${m.html_body}
    from (${addresses}) a`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

/** Text paragraphs with their links, for the HTML version of the same message. */
function paragraphs(text: string) {
  return text
    .split(/\n{2,}/)
    .map((p) =>
      p.split(/(https?:\/\/\S+)/).map((part, i) => (i % 2 === 1 ? { link: part } : { text: part })),
    );
}
