import type { createApp } from "../../src/app.ts";

type App = ReturnType<typeof createApp>;

/**
 * A browser-like client for app.request(): one host, its cookies, same-origin headers on
 * every form post, as a real page of that town would send.
 */
export function client(app: App, host: string, options: { ip?: string } = {}) {
  const cookies = new Map<string, string>();
  const origin = `http://${host}`;

  async function send(
    method: string,
    path: string,
    init: { form?: Record<string, string> | [string, string][]; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { Host: host, ...init.headers };
    if (cookies.size) headers.Cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (options.ip) headers["X-Forwarded-For"] = options.ip;
    let body: string | undefined;
    if (init.form) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    if (method !== "GET" && !("Origin" in headers) && !("Sec-Fetch-Site" in headers)) headers.Origin = origin;
    const res = await app.request(`http://127.0.0.1${path}`, { method, headers, body, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const [name = "", value = ""] = pair.split("=");
      if (/max-age=0/i.test(line) || value === "") cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  }

  return {
    cookies,
    get: (path: string, headers?: Record<string, string>) => send("GET", path, { headers }),
    /** `form` as pairs repeats a field (checkboxes of the same name). */
    post: (
      path: string,
      form: Record<string, string> | [string, string][] = {},
      headers?: Record<string, string>,
    ) => send("POST", path, { form, headers }),
    send,
    /** Logs in and returns the response (303 on success). */
    login(identifier: string, password: string, base = "") {
      return send("POST", `${base}/connexion`, { form: { identifier, password } });
    },
  };
}

/** Extracts the first link of an e-mail's text that starts with the given origin. */
export function linkIn(text: string, origin: string): string {
  const m = text.match(new RegExp(`${origin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(/\\S+)`));
  if (!m?.[1]) throw new Error(`no link to ${origin} in:\n${text}`);
  return m[1];
}
