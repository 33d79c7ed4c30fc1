import type { Context } from "hono";
import { isUuid } from "../../lib/form-fields.ts";

function pick(entries: Iterable<[string, unknown]>): string | null {
  for (const [key, value] of entries) {
    if (key.toLowerCase() === "idop" && typeof value === "string" && isUuid(value.trim()))
      return value.trim();
  }
  return null;
}

/**
 * The idOp of a PayFiP return (`urlredirect`) or notification (`urlnotif`): GET query or
 * POST form body, field `idop` or `idOp` (any case). Null when absent or not a UUID. It is
 * only an identifier: the result must come from paymentDetail().
 */
export async function readIdOp(c: Context): Promise<string | null> {
  const fromQuery = pick(Object.entries(c.req.query()));
  if (fromQuery || c.req.method !== "POST") return fromQuery;
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data"))
    return null;
  try {
    return pick(Object.entries(await c.req.parseBody()));
  } catch {
    return null;
  }
}
