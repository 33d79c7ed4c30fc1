const PROBE = "http://portal.invalid";

/**
 * Where to go after logging in (`?suite=`): a path of this portal under `base`, as a browser
 * would resolve it (tabs and new lines dropped, backslashes read as slashes), or undefined.
 * Resolving first, then checking the origin, is what catches « /%09/host/ » and « /\host ».
 */
export function sameTownPath(next: string | undefined, base: string): string | undefined {
  if (!next || next.length > 2000 || !next.startsWith("/")) return undefined;
  let url: URL;
  try {
    url = new URL(next, PROBE);
  } catch {
    return undefined;
  }
  if (url.origin !== PROBE) return undefined;
  const inside = url.pathname === base || url.pathname.startsWith(`${base}/`);
  return inside ? `${url.pathname}${url.search}` : undefined;
}
