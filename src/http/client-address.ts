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
