/**
 * Errors that mean "the database cannot be reached right now" (restart, failover, a
 * terminated backend, refused login): the request fails with 503 and the next one gets a
 * fresh connection. Anything else is a bug (500).
 */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);
// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown,
// crash, starting up), 53300 too many connections, 28 invalid authorization (login refused).
const SQLSTATE = /^(08|57P|53300|28)/;
const MESSAGES =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed|not queryable|Connection ended/i;

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === "string" && (NETWORK_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
  if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
