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
  const rendered = textEta.render(`emails/${mail.template}`, { tenant, cfg: tenant.config, ...mail.data });
  const [first = "", ...rest] = rendered.replace(/^\s+/, "").split("\n");
  const subject = first.replace(/^Objet : /, "").trim();
  const text = rest.join("\n").trim();
  await trx
    .insertInto("outbox")
    .values({
      tenant_id: tenant.id,
      to_address: mail.to,
      subject: `${subject} – ${tenant.config.shortName}`,
      text_body: text,
      html_body: eta.render("emails/_layout", { tenant, cfg: tenant.config, paragraphs: paragraphs(text) }),
    })
    .execute();
}

/** Text paragraphs with their links, for the HTML version of the same message. */
function paragraphs(text: string) {
  return text
    .split(/\n{2,}/)
    .map((p) =>
      p.split(/(https?:\/\/\S+)/).map((part, i) => (i % 2 === 1 ? { link: part } : { text: part })),
    );
}
