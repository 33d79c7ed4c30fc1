import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/**
 * `__Host-` cookies: Secure, Path=/, no Domain, HttpOnly, so each stays on the host that set
 * it (a town's portal, the console). A session cookie without `maxAgeS` ends with the browser.
 */
export function setHostCookie(
  c: Context,
  name: string,
  value: string,
  options: { sameSite?: "Lax" | "Strict"; maxAgeS?: number } = {},
): void {
  setCookie(c, name, value, {
    prefix: "host",
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: options.sameSite ?? "Lax",
    ...(options.maxAgeS === undefined ? {} : { maxAge: options.maxAgeS }),
  });
}

export const readHostCookie = (c: Context, name: string): string | undefined => getCookie(c, name, "host");

export function clearHostCookie(c: Context, name: string): void {
  deleteCookie(c, name, { prefix: "host", path: "/", secure: true });
}
