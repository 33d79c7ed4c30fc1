import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_OPERATOR, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { tenantsDir } from "../../src/tenancy/files.ts";
import { client } from "../helpers/client.ts";
import { signInOperator } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

interface Town {
  slug: string;
  host: string;
  name: string;
  /** A word of the town's name that no other town's page may contain. */
  marker: string;
  phone: string;
  email: string;
  primary: string;
  links: { menu: string; alsh: string; guide: string };
  loginLabel: string;
  loginTitle: string;
}

const TOWNS: Town[] = [
  {
    slug: "sene",
    host: "sene.localhost:3000",
    name: "Ville de Séné",
    marker: "Séné",
    phone: "02 97 66 90 62",
    email: "enfance@sene.test",
    primary: "#00587a",
    links: {
      menu: "https://www.sene.bzh/restauration-scolaire",
      alsh: "https://www.sene.bzh/accueil-de-loisirs",
      guide: "https://www.sene.bzh/portail-familles/guide",
    },
    loginLabel: "Adresse e-mail",
    loginTitle: "Connexion à votre compte",
  },
  {
    slug: "senneceylesdijon",
    host: "senneceylesdijon.localhost:3000",
    name: "Ville de Sennecey-lès-Dijon",
    marker: "Sennecey",
    phone: "03 80 47 00 12",
    email: "contact-mairie@senneceylesdijon.test",
    primary: "#8a1538",
    links: {
      menu: "https://www.sennecey-les-dijon.fr/restaurant-scolaire",
      alsh: "https://www.sennecey-les-dijon.fr/alsh",
      guide: "https://www.sennecey-les-dijon.fr/portail-famille/guide",
    },
    loginLabel: "Adresse e-mail",
    loginTitle: "Connexion à votre compte",
  },
  {
    slug: "plombieres",
    host: "plombieres.localhost:3000",
    name: "Plombières-lès-Dijon – Espace Germaine Tillion",
    marker: "Plombières",
    phone: "03 80 41 54 46",
    email: "accueil@plombieres.test",
    primary: "#1f5f3a",
    links: {
      menu: "https://www.plombieres-les-dijon.fr/menus",
      alsh: "https://www.plombieres-les-dijon.fr/alsh",
      guide: "https://www.plombieres-les-dijon.fr/portail-famille/guide",
    },
    loginLabel: "Identifiant",
    loginTitle: "Compte famille",
  },
];

const TOWN_MARKERS = TOWNS.map((t) => t.marker);

function get(host: string, pathname: string) {
  return p.app.request(`http://127.0.0.1${pathname}`, { headers: { Host: host }, redirect: "manual" });
}

/** The text of the <label> tied to the login field, on the home page and on /connexion. */
function loginLabel(html: string): string | undefined {
  return html.match(/<label for="f-identifier">([^<*]+)/)?.[1]?.trim();
}

describe.each(TOWNS)("the public home of $slug", (town) => {
  it("shows the town's own name, contact, links and login field, and no other town", async () => {
    const res = await get(town.host, "/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(town.name);
    expect(html).toContain(town.phone);
    expect(html).toContain(`href="tel:${town.phone.replace(/\s/g, "")}"`);
    expect(html).toContain(`href="mailto:${town.email}"`);
    for (const url of Object.values(town.links)) expect(html).toContain(`href="${url}"`);
    expect(html).toContain('<img src="/logo.svg"');
    expect(html).toContain('href="/theme.css"');
    expect(loginLabel(html)).toBe(town.loginLabel);
    expect(html).toContain(`<h2 id="login-title">${town.loginTitle}</h2>`);
    for (const other of TOWN_MARKERS.filter((m) => m !== town.marker)) expect(html).not.toContain(other);
  });

  it("asks for the town's login field on /connexion", async () => {
    const res = await get(town.host, "/connexion");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(loginLabel(html)).toBe(town.loginLabel);
    expect(html).toContain(`<h1>${town.loginTitle}</h1>`);
    expect(html).toContain(town.name);
  });

  it("serves its own logo as SVG", async () => {
    const res = await get(town.host, "/logo.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    const svg = await res.text();
    expect(svg).toBe(readFileSync(path.join(tenantsDir, `${town.slug}.svg`), "utf8"));
    expect(svg).toMatch(/<svg[\s>]/);
  });

  it("serves its own colour in /theme.css", async () => {
    const res = await get(town.host, "/theme.css");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/css/);
    const css = await res.text();
    expect(css).toContain(`--town-primary:${town.primary}`);
    for (const other of TOWNS.filter((t) => t.slug !== town.slug)) expect(css).not.toContain(other.primary);
  });
});

describe("hosts", () => {
  it("gives each town a different logo", async () => {
    const logos = await Promise.all(TOWNS.map(async (t) => (await get(t.host, "/logo.svg")).text()));
    expect(new Set(logos).size).toBe(3);
  });

  it("serves Sennecey on its extra hostname portail-famille.sennecey.test", async () => {
    const res = await get("portail-famille.sennecey.test", "/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Ville de Sennecey-lès-Dijon");
    expect(html).toContain("contact-mairie@senneceylesdijon.test");
    expect(html).not.toContain("Séné");
    const css = await (await get("portail-famille.sennecey.test:8443", "/theme.css")).text();
    expect(css).toContain("#8a1538");
  });

  it("ignores the case of the Host header and a trailing dot", async () => {
    for (const host of ["SENE.Localhost:3000", "sene.localhost."]) {
      const res = await get(host, "/");
      expect(res.status, host).toBe(200);
      expect(await res.text()).toContain("Ville de Séné");
    }
  });

  it.each([
    "foo.localhost:3000",
    "example.org",
    "x.sene.localhost:3000",
    "sene.localhost.example.org",
    "sene.example.org",
    "",
    "not a host!",
    "sene.localhost:3000:3000",
    "sene.localhost/evil",
    "127.0.0.1:3000",
  ])("answers the host %j with a neutral 404 that names no town", async (host) => {
    const res = await get(host, "/");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const html = await res.text();
    expect(html).toContain("Portail introuvable");
    for (const marker of TOWN_MARKERS) expect(html).not.toContain(marker);
    expect(html).not.toContain("/theme.css");
    expect(html).not.toContain("/logo.svg");
  });

  it("serves no town's logo, theme or login on an unknown host", async () => {
    for (const pathname of ["/logo.svg", "/theme.css", "/connexion", "/agents"]) {
      const res = await get("foo.localhost:3000", pathname);
      expect(res.status, pathname).toBe(404);
      expect(res.headers.get("content-type"), pathname).toMatch(/^text\/html/);
    }
  });

  it("refuses a login POST on an unknown host without touching any town", async () => {
    const res = await p.app.request("http://127.0.0.1/connexion", {
      method: "POST",
      headers: {
        Host: "foo.localhost:3000",
        Origin: "http://foo.localhost:3000",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ identifier: "lola.test@sene.test", password: DEMO_PASSWORD }).toString(),
    });
    expect(res.status).toBe(404);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe("an operator suspends and reopens a town", () => {
  it("closes the town's portal (503 « fermé »), audits it, and reopens it", async () => {
    const seneId = p.tenants.get("sene") as string;
    const op = client(p.app, "admin.localhost:3000", { ip: "203.0.113.10" });
    await signInOperator(p, op);

    const parent = client(p.app, "sene.localhost:3000", { ip: "203.0.113.11" });
    expect((await parent.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    expect(await (await parent.get("/")).text()).toContain("Bienvenue Lola TEST");

    // Warm the resolver's cache: the route must invalidate it, not wait for the TTL.
    expect((await get("sene.localhost:3000", "/")).status).toBe(200);

    const suspend = await op.post(`/communes/${seneId}/suspendre`, { nom: "Ville de Séné" });
    expect(suspend.status).toBe(303);
    expect(suspend.headers.get("location")).toBe("/?message=commune-suspendue");
    try {
      const row = await p.owner
        .selectFrom("tenants")
        .select("status")
        .where("id", "=", seneId)
        .executeTakeFirst();
      expect(row?.status).toBe("suspended");
      const audit = await p.owner
        .selectFrom("platform_audit")
        .innerJoin("operators", "operators.id", "platform_audit.operator_id")
        .select(["platform_audit.event", "platform_audit.ip", "operators.email"])
        .where("target_tenant_id", "=", seneId)
        .where("event", "=", "town_suspended")
        .execute();
      expect(audit).toEqual([{ event: "town_suspended", ip: "203.0.113.10", email: DEMO_OPERATOR.email }]);

      for (const pathname of [
        "/",
        "/connexion",
        "/agents",
        "/agents/connexion",
        "/profil",
        "/mot-de-passe-oublie",
      ]) {
        const res = await get("sene.localhost:3000", pathname);
        expect(res.status, pathname).toBe(503);
        const html = await res.text();
        expect(html, pathname).toContain("fermé");
        expect(html, pathname).not.toContain('name="password"');
      }
      const closed = await (await get("sene.localhost:3000", "/")).text();
      expect(closed).toContain("Le portail famille est fermé");
      expect(closed).toContain("02 97 66 90 62");
      // The closed page keeps the town's identity: its logo and colours still load.
      for (const pathname of ["/logo.svg", "/theme.css"]) {
        expect((await get("sene.localhost:3000", pathname)).status, pathname).toBe(200);
      }

      // A parent already signed in is shut out too, and cannot log in meanwhile.
      expect((await parent.get("/")).status).toBe(503);
      const login = await client(p.app, "sene.localhost:3000", { ip: "203.0.113.12" }).login(
        "lola.test@sene.test",
        DEMO_PASSWORD,
      );
      expect(login.status).toBe(503);
      expect(login.headers.getSetCookie()).toEqual([]);

      // The other towns stay open, and the console says the town is closed.
      expect((await get("plombieres.localhost:3000", "/")).status).toBe(200);
      expect((await get("senneceylesdijon.localhost:3000", "/")).status).toBe(200);
      const consolePage = await (await op.get("/")).text();
      expect(consolePage).toContain(`/communes/${seneId}/reactiver`);
      expect(consolePage).toContain("Fermé");
    } finally {
      const reopen = await op.post(`/communes/${seneId}/reactiver`);
      expect(reopen.status).toBe(303);
      expect(reopen.headers.get("location")).toBe("/?message=commune-reactivee");
    }

    const res = await get("sene.localhost:3000", "/");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Ville de Séné");
    expect(await (await parent.get("/")).text()).toContain("Bienvenue Lola TEST");
    const reopened = await p.owner
      .selectFrom("platform_audit")
      .select("event")
      .where("target_tenant_id", "=", seneId)
      .where("event", "=", "town_reopened")
      .execute();
    expect(reopened).toHaveLength(1);
  });

  it("cannot be done anonymously, from another origin, or on a non-UUID id", async () => {
    const plombieresId = p.tenants.get("plombieres") as string;
    const anonymous = client(p.app, "admin.localhost:3000");
    const anon = await anonymous.post(`/communes/${plombieresId}/suspendre`);
    expect(anon.status).toBe(303);
    expect(anon.headers.get("location")).toBe("/connexion");

    const op = client(p.app, "admin.localhost:3000", { ip: "203.0.113.13" });
    await signInOperator(p, op);
    const crossSite = await op.post(
      `/communes/${plombieresId}/suspendre`,
      {},
      {
        Origin: "http://plombieres.localhost:3000",
      },
    );
    expect(crossSite.status).toBe(403);
    const notUuid = await op.post("/communes/plombieres/suspendre");
    expect(notUuid.status).toBe(404);
    const unknown = await op.post("/communes/00000000-0000-4000-8000-000000000000/suspendre");
    expect(unknown.status).toBe(404);

    expect((await get("plombieres.localhost:3000", "/")).status).toBe(200);
    const audit = await p.owner
      .selectFrom("platform_audit")
      .select("event")
      .where("target_tenant_id", "=", plombieresId)
      .execute();
    expect(audit).toEqual([]);
  });
});

describe("logout", () => {
  it("takes a Plombières parent back to the town's website, which the CSP lets forms reach", async () => {
    const c = client(p.app, "plombieres.localhost:3000", { ip: "203.0.113.20" });
    const login = await c.login("jdupont", DEMO_PASSWORD);
    expect(login.status).toBe(303);
    const home = await c.get("/");
    expect(await home.text()).toContain("Bienvenue");
    const csp = home.headers.get("content-security-policy") ?? "";
    const formAction = csp.split(";").find((d) => d.trim().startsWith("form-action"));
    const payfip = new URL(p.deps.payfip.base).origin;
    expect(formAction?.trim()).toBe(`form-action 'self' ${payfip} https://www.plombieres-les-dijon.fr`);

    const userId = (
      await p.owner.selectFrom("users").select("id").where("login", "=", "jdupont").executeTakeFirstOrThrow()
    ).id;
    const before = await p.owner.selectFrom("sessions").select("id").where("user_id", "=", userId).execute();
    expect(before.length).toBeGreaterThan(0);

    const out = await c.post("/deconnexion");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("https://www.plombieres-les-dijon.fr/");
    expect(out.headers.getSetCookie().join("\n")).toMatch(/__Host-parvis=;/);
    const after = await p.owner.selectFrom("sessions").select("id").where("user_id", "=", userId).execute();
    expect(after).toEqual([]);
    const again = await c.get("/");
    expect(await again.text()).not.toContain("Bienvenue Jean");
  });

  it("takes a Séné parent to /connexion?message=deconnecte, whose CSP allows only its own forms and PayFiP", async () => {
    const c = client(p.app, "sene.localhost:3000", { ip: "203.0.113.21" });
    expect((await c.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    const home = await c.get("/");
    expect(home.headers.get("content-security-policy")).toContain(
      `form-action 'self' ${new URL(p.deps.payfip.base).origin};`,
    );
    const out = await c.post("/deconnexion");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/connexion?message=deconnecte");
    const page = await c.get("/connexion?message=deconnecte");
    expect(await page.text()).toContain("Vous êtes déconnecté.");
    const after = await c.get("/profil");
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/connexion?suite=%2Fprofil");
  });

  it("takes Plombières staff back to the staff login, not to the town's website", async () => {
    const c = client(p.app, "plombieres.localhost:3000", { ip: "203.0.113.22" });
    expect((await c.login("admin@plombieres.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const out = await c.post("/agents/deconnexion");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/agents/connexion?message=deconnecte");
  });
});
