import { isIP } from "node:net";

/**
 * The client's address behind `hops` trusted proxies. Each proxy appends the address it saw
 * to X-Forwarded-For, so only the last `hops` entries (the socket's peer being the nearest
 * proxy) were written by someone we trust; whatever comes before them the client chose.
 * The entry the farthest trusted proxy appended is the client's.
 */
export function clientAddress(
  forwardedFor: string | undefined,
  peer: string | undefined,
  hops: number,
): string {
  const direct = peer || "unknown";
  if (hops <= 0) return direct;
  const chain = (forwardedFor ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const seen = chain[chain.length - hops];
  return seen && isIP(seen) ? seen : direct;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * A request made on this machine, not relayed by a proxy: the only one the demo's mailbox
 * answers. An in-process call (tests' app.request) has no socket at all.
 */
export function fromThisMachine(forwardedFor: string | undefined, peer: string | undefined): boolean {
  return !forwardedFor && (peer === undefined || LOOPBACK.has(peer));
}
