import type { Context } from "hono";
import type { AppEnv } from "../../../http/types.ts";

/** A school enrolment certificate as the PDF download, for staff and for the family. */
export function certificateDownload(
  c: Context<AppEnv>,
  cert: { pdf: Uint8Array; number: string | null },
  headers: Record<string, string> = {},
) {
  return c.body(new Uint8Array(cert.pdf), 200, {
    "Content-Type": "application/pdf",
    "Content-Disposition": `attachment; filename="certificat-inscription-scolaire-${cert.number}.pdf"`,
    ...headers,
  });
}
