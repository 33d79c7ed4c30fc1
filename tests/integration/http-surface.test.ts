import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { loadEnv } from "../../src/env.ts";
import type { Deps } from "../../src/http/types.ts";
import { createSiteResolver } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

type App = ReturnType<typeof createApp>;

function get(host: string, pathname: string, app: App = p.app, headers: Record<string, string> = {}) {
  return app.request(`http://127.0.0.1${pathname}`, {
    headers: { Host: host, ...headers },
    redirect: "manual",
  });
}

/** A raw form POST: only the headers given, nothing a browser would add. */
function rawPost(
  host: string,
  pathname: string,
  form: Record<string, string>,
  headers: Record<string, string>,
) {
  return p.app.request(`http://127.0.0.1${pathname}`, {
    method: "POST",
    headers: { Host: host, "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
}

function directive(csp: string, name: string): string | undefined {
  return csp
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.split(/\s+/)[0] === name);
}

/** The same app and database, configured as in production: no demo mailbox. */
function productionApp(): App {
  const env = loadEnv({ NODE_ENV: "production", DEMO: "false", LOG_LEVEL: "silent" });
  const deps: Deps = {
    ...p.deps,
    env,
    sites: createSiteResolver(p.deps.db, env.PLATFORM_DOMAIN, false),
    mailbox: undefined,
  };
  return createApp(deps);
}

async function signedInParent(ip: string) {
  const c = client(p.app, "sene.localhost:3000", { ip });
  const res = await c.login("lola.test@sene.test", DEMO_PASSWORD);
  expect(res.status).toBe(303);
  return c;
}

describe("security headers", () => {
  const pages: [string, string][] = [
    ["sene.localhost:3000", "/"],
    ["plombieres.localhost:3000", "/connexion"],
    ["senneceylesdijon.localhost:3000", "/agents/connexion"],
    ["sene.localhost:3000", "/page-qui-n-existe-pas"],
    ["admin.localhost:3000", "/connexion"],
    ["mail.localhost:3000", "/"],
    ["foo.localhost:3000", "/"],
  ];

  it.each(pages)("are sent on %s%s", async (host, pathname) => {
    const res = await get(host, pathname);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(directive(csp, "script-src")).toBe("script-src 'self'");
    expect(directive(csp, "default-src")).toBe("default-src 'self'");
    expect(directive(csp, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(csp, "object-src")).toBe("object-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("strict-transport-security")).toBeNull();
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-request-id")).toMatch(/^[\w-]{8,64}$/);
    // CSP without inline script: every <script> has a src, and no on* handler attribute.
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
  });

  it("add HSTS in production", async () => {
    const app = productionApp();
    const res = await get("sene.localhost:3000", "/", app);
    expect(res.status).toBe(200);
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d{7,}/);
    expect(directive(res.headers.get("content-security-policy") ?? "", "script-src")).toBe(
      "script-src 'self'",
    );
    const unknown = await get("foo.localhost:3000", "/", app);
    expect(unknown.headers.get("strict-transport-security")).toMatch(/^max-age=/);
  });

  it("keep personal pages out of every cache", async () => {
    const c = await signedInParent("198.51.100.1");
    for (const pathname of ["/", "/profil", "/mot-de-passe", "/compte/email"]) {
      const res = await c.get(pathname);
      expect(res.status, pathname).toBe(200);
      expect(res.headers.get("cache-control"), pathname).toBe("no-store");
    }
    const staff = client(p.app, "sene.localhost:3000", { ip: "198.51.100.2" });
    expect((await staff.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const home = await staff.get("/agents");
    expect(home.status).toBe(200);
    expect(home.headers.get("cache-control")).toBe("no-store");
  });

  it("let the shared assets be cached publicly", async () => {
    for (const [pathname, type] of [
      ["/assets/app.css", /^text\/css/],
      ["/assets/htmx.js", /^text\/javascript/],
      ["/assets/app.js", /^text\/javascript/],
    ] as const) {
      const res = await get("sene.localhost:3000", pathname);
      expect(res.status, pathname).toBe(200);
      expect(res.headers.get("content-type"), pathname).toMatch(type);
      expect(res.headers.get("cache-control"), pathname).toMatch(/^public, max-age=\d+/);
      expect(res.headers.get("x-content-type-options"), pathname).toBe("nosniff");
      expect((await res.text()).length, pathname).toBeGreaterThan(100);
    }
    const htmx = await (await get("plombieres.localhost:3000", "/assets/htmx.js")).text();
    expect(htmx).toContain("htmx");
    const missing = await get("sene.localhost:3000", "/assets/secret.env");
    expect(missing.status).toBe(404);
    const traversal = await get("sene.localhost:3000", "/assets/..%2Fpackage.json");
    expect(traversal.status).toBe(404);
    expect(await traversal.text()).not.toContain('"dependencies"');
  });

  it("let the town logo be cached but run nothing inside it", async () => {
    const res = await get("sene.localhost:3000", "/logo.svg");
    expect(res.headers.get("cache-control")).toMatch(/^public/);
    expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
  });
});

describe("same-origin check on state changes", () => {
  const credentials = { identifier: "lola.test@sene.test", password: DEMO_PASSWORD };

  it("refuses a POST with neither Origin nor Sec-Fetch-Site, and logs nobody in", async () => {
    const res = await rawPost("sene.localhost:3000", "/connexion", credentials, {});
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("ne provient pas de ce portail");
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ["another town's Origin", { Origin: "http://plombieres.localhost:3000" }],
    ["a foreign Origin", { Origin: "http://evil.localhost:3000" }],
    ["Origin null", { Origin: "null" }],
    ["the right host on another port", { Origin: "http://sene.localhost:3001" }],
    ["the right host over another scheme", { Origin: "https://sene.localhost:3000" }],
    ["Sec-Fetch-Site: same-site", { "Sec-Fetch-Site": "same-site" }],
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: none", { "Sec-Fetch-Site": "none" }],
    [
      "Sec-Fetch-Site: same-origin with another town's Origin",
      { "Sec-Fetch-Site": "same-origin", Origin: "http://plombieres.localhost:3000" },
    ],
  ])("refuses a login POST with %s", async (_label, headers) => {
    const res = await rawPost("sene.localhost:3000", "/connexion", credentials, {
      "X-Forwarded-For": "198.51.100.10",
      ...headers,
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ["its own Origin", { Origin: "http://sene.localhost:3000" }],
    ["Sec-Fetch-Site: same-origin", { "Sec-Fetch-Site": "same-origin" }],
    [
      "Sec-Fetch-Site: same-origin and its own Origin",
      { "Sec-Fetch-Site": "same-origin", Origin: "http://sene.localhost:3000" },
    ],
  ])("accepts a login POST with %s", async (_label, headers) => {
    const res = await rawPost("sene.localhost:3000", "/connexion", credentials, {
      "X-Forwarded-For": "198.51.100.11",
      ...headers,
    });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().join("\n")).toMatch(/__Host-parvis=[^;]+/);
  });

  it("changes nothing when a cross-origin logout is refused", async () => {
    const c = await signedInParent("198.51.100.12");
    const userId = (
      await p.owner
        .selectFrom("users")
        .select("id")
        .where("email", "=", "lola.test@sene.test")
        .executeTakeFirstOrThrow()
    ).id;
    const sessions = async () =>
      (await p.owner.selectFrom("sessions").select("id").where("user_id", "=", userId).execute()).length;
    const before = await sessions();

    const refused: Record<string, string>[] = [
      { Origin: "http://plombieres.localhost:3000" },
      { "Sec-Fetch-Site": "same-site" },
      { Origin: "http://evil.localhost:3000" },
    ];
    for (const headers of refused) {
      const out = await c.post("/deconnexion", {}, headers);
      expect(out.status).toBe(403);
      expect(out.headers.getSetCookie()).toEqual([]);
    }
    expect(await sessions()).toBe(before);
    expect(await (await c.get("/")).text()).toContain("Bienvenue Lola TEST");

    const out = await c.post("/deconnexion", {}, { "Sec-Fetch-Site": "same-origin" });
    expect(out.status).toBe(303);
    expect(await sessions()).toBe(before - 1);
    expect(await (await c.get("/")).text()).not.toContain("Bienvenue Lola TEST");
  });

  it("refuses a cross-origin password change and keeps the old password", async () => {
    const c = client(p.app, "senneceylesdijon.localhost:3000", { ip: "198.51.100.13" });
    expect((await c.login("parent1.mairie@senneceylesdijon.test", DEMO_PASSWORD)).status).toBe(303);
    const res = await c.post(
      "/mot-de-passe",
      {
        current_password: DEMO_PASSWORD,
        new_password: "Autre-Mot-2026x",
        confirm_password: "Autre-Mot-2026x",
      },
      { Origin: "http://sene.localhost:3000" },
    );
    expect(res.status).toBe(403);
    const again = client(p.app, "senneceylesdijon.localhost:3000", { ip: "198.51.100.14" });
    expect((await again.login("parent1.mairie@senneceylesdijon.test", DEMO_PASSWORD)).status).toBe(303);
  });
});

describe("bad input", () => {
  it("answers a body over 64 KB with 413 and a French message, without logging in", async () => {
    const c = client(p.app, "sene.localhost:3000", { ip: "198.51.100.20" });
    const res = await c.post("/connexion", {
      identifier: "lola.test@sene.test",
      password: DEMO_PASSWORD,
      padding: "x".repeat(70 * 1024),
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe("Le contenu envoyé est trop volumineux.");
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("accepts a body just under the limit", async () => {
    const c = client(p.app, "sene.localhost:3000", { ip: "198.51.100.21" });
    const res = await c.post("/connexion", {
      identifier: "lola.test@sene.test",
      password: DEMO_PASSWORD,
      padding: "x".repeat(60 * 1024),
    });
    expect(res.status).toBe(303);
  });

  it.each([
    ["PUT", "/"],
    ["DELETE", "/connexion"],
    ["PATCH", "/profil"],
    ["DELETE", "/agents"],
  ])("answers %s %s with 405 and a French page", async (method, pathname) => {
    const c = client(p.app, "sene.localhost:3000");
    const res = await c.send(method, pathname);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
    expect(await res.text()).toContain("Méthode non autorisée");
  });

  it("re-renders the login form with French messages when the fields are empty (422)", async () => {
    const c = client(p.app, "sene.localhost:3000", { ip: "198.51.100.22" });
    const res = await c.post("/connexion", { identifier: "", password: "" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("L&#39;adresse e-mail est obligatoire.");
    expect(html).toContain("Le mot de passe est obligatoire.");
    expect(html).toMatch(
      /id="f-identifier"[^>]*aria-describedby="f-identifier-error"[^>]*aria-invalid="true"/,
    );
    expect(res.headers.getSetCookie()).toEqual([]);

    const plombieres = client(p.app, "plombieres.localhost:3000", { ip: "198.51.100.22" });
    const empty = await plombieres.post("/connexion", { identifier: " ", password: "" });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("L&#39;identifiant est obligatoire.");
  });

  it("keeps what was typed, but never the password, next to a malformed e-mail", async () => {
    const c = client(p.app, "sene.localhost:3000", { ip: "198.51.100.23" });
    const res = await c.post("/connexion", { identifier: "pas-une-adresse", password: "secret-typed-here" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("n&#39;est pas valide");
    expect(html).toContain('value="pas-une-adresse"');
    expect(html).not.toContain("secret-typed-here");
  });

  it("escapes what was typed", async () => {
    const c = client(p.app, "sene.localhost:3000", { ip: "198.51.100.24" });
    const res = await c.post("/connexion", { identifier: '"><script>alert(1)</script>', password: "x" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;");
  });

  it("answers a wrong password with 401 and the same message as an unknown account", async () => {
    const c = client(p.app, "sene.localhost:3000", { ip: "198.51.100.25" });
    const wrong = await c.post("/connexion", { identifier: "lola.test@sene.test", password: "pas-le-bon" });
    const unknown = await c.post("/connexion", { identifier: "personne@sene.test", password: "pas-le-bon" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = "Adresse e-mail ou mot de passe incorrect.";
    expect(await wrong.text()).toContain(message);
    expect(await unknown.text()).toContain(message);
  });

  it.each([
    ["sene.localhost:3000", "/nulle-part"],
    ["sene.localhost:3000", "/agents/nulle-part"],
    ["plombieres.localhost:3000", "/factures/123/../../etc/passwd"],
    ["admin.localhost:3000", "/nulle-part"],
    ["mail.localhost:3000", "/messages/999999"],
    ["mail.localhost:3000", "/messages/abc"],
  ])("answers %s%s with a French 404 page", async (host, pathname) => {
    const res = await get(host, pathname);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("Page introuvable");
  });

  it("answers a non-UUID id in /agents/familles/<id>/activation with 404, not 500", async () => {
    const staff = client(p.app, "sene.localhost:3000", { ip: "198.51.100.26" });
    expect((await staff.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    for (const id of ["pas-un-uuid", "1", "00000000-0000-4000-8000-00000000000Z", "'%20or%201=1--"]) {
      const res = await staff.post(`/agents/familles/${id}/activation`);
      expect(res.status, id).toBe(404);
      expect(await res.text(), id).toContain("Page introuvable");
    }
    const unknown = await staff.post("/agents/familles/00000000-0000-4000-8000-000000000000/activation");
    expect(unknown.status).toBe(404);
    // An active parent's id: nothing to resend.
    const lola = await p.owner
      .selectFrom("users")
      .select("id")
      .where("email", "=", "lola.test@sene.test")
      .executeTakeFirstOrThrow();
    const active = await staff.post(`/agents/familles/${lola.id}/activation`);
    expect(active.status).toBe(404);
  });
});

describe("unexpected errors", () => {
  it("render a generic page with the request id, and the details go to the log", async () => {
    const lines: string[] = [];
    const log = pino(
      { level: "info" },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const secret = "détail interne: relation secrète introuvable";
    const broken: Database = {
      ...p.deps.db,
      withTenant: () => Promise.reject(new Error(secret)),
    };
    const app = createApp({ ...p.deps, db: broken, log });
    const res = await app.request("http://127.0.0.1/connexion", {
      method: "POST",
      headers: {
        Host: "sene.localhost:3000",
        Origin: "http://sene.localhost:3000",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ identifier: "lola.test@sene.test", password: DEMO_PASSWORD }).toString(),
    });
    expect(res.status).toBe(500);
    const requestId = res.headers.get("x-request-id") ?? "";
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const html = await res.text();
    expect(html).toContain("Erreur inattendue");
    expect(html).toContain(`<code>${requestId}</code>`);
    expect(html).not.toContain("secrète");
    expect(html).not.toContain(DEMO_PASSWORD);
    expect(res.headers.get("cache-control")).toBe("no-store");

    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const error = logged.find((l) => l.msg === "unhandled error");
    expect(error?.requestId).toBe(requestId);
    expect(JSON.stringify(error?.err)).toContain("secrète");
    expect(lines.join("\n")).not.toContain(DEMO_PASSWORD);
    const request = logged.find((l) => l.msg === "request");
    expect(request).toMatchObject({
      requestId,
      status: 500,
      site: "sene",
      method: "POST",
      path: "/connexion",
    });
  });

  it("put an X-Request-Id on every response, echoing a well-formed one", async () => {
    const ids = new Set<string>();
    for (const [host, pathname] of [
      ["sene.localhost:3000", "/"],
      ["sene.localhost:3000", "/assets/app.css"],
      ["sene.localhost:3000", "/logo.svg"],
      ["sene.localhost:3000", "/nulle-part"],
      ["admin.localhost:3000", "/"],
      ["mail.localhost:3000", "/"],
      ["foo.localhost:3000", "/"],
      ["", "/"],
    ] as const) {
      const id = (await get(host, pathname)).headers.get("x-request-id");
      expect(id, `${host}${pathname}`).toMatch(/^[0-9a-f-]{36}$/);
      ids.add(id as string);
    }
    expect(ids.size).toBe(8);
    const given = await get("sene.localhost:3000", "/", p.app, { "X-Request-Id": "lb-1234abcd" });
    expect(given.headers.get("x-request-id")).toBe("lb-1234abcd");
    const bad = await get("sene.localhost:3000", "/", p.app, { "X-Request-Id": "<script>x</script>" });
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("health checks", () => {
  it.each(["sene.localhost:3000", "admin.localhost:3000", "foo.localhost:3000", "example.org", ""])(
    "answer /livez and /readyz on host %j",
    async (host) => {
      const live = await get(host, "/livez");
      expect(live.status).toBe(200);
      expect(await live.text()).toBe("ok");
      const ready = await get(host, "/readyz");
      expect(ready.status).toBe(200);
      expect(await ready.text()).toBe("ready");
    },
  );

  it("/readyz answers 503 when the database is closed, while /livez stays up", async () => {
    const db = createDatabase(p.loginUrl, { max: 1 });
    const app = createApp({ ...p.deps, db });
    expect((await get("sene.localhost:3000", "/readyz", app)).status).toBe(200);
    await db.close();
    const ready = await get("sene.localhost:3000", "/readyz", app);
    expect(ready.status).toBe(503);
    expect(await ready.text()).not.toMatch(/pool|postgres|password/i);
    expect((await get("sene.localhost:3000", "/livez", app)).status).toBe(200);
  });
});
