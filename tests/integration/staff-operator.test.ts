import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Database } from "../../src/db/database.ts";
import { DEMO_OPERATOR, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { createSiteResolver } from "../../src/tenancy/resolve.ts";
import { client, linkIn } from "../helpers/client.ts";
import { operatorCode, signInOperator } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

const SENE = "sene.localhost:3000";
const PLOMBIERES = "plombieres.localhost:3000";
const ADMIN = "admin.localhost:3000";

async function staffOf(host: string, email: string, ip: string) {
  const c = client(p.app, host, { ip });
  const res = await c.login(email, DEMO_PASSWORD, "/agents");
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/agents");
  return c;
}

async function outboxCount(slug: string, to?: string) {
  let q = p.owner
    .selectFrom("outbox")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("tenant_id", "=", p.tenants.get(slug) as string);
  if (to) q = q.where("to_address", "=", to);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

async function householdCount(slug: string) {
  const row = await p.owner
    .selectFrom("households")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("tenant_id", "=", p.tenants.get(slug) as string)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The « État » cell of the staff home's row for a person (« Prénom NOM »). */
function stateOf(html: string, person: string): string | undefined {
  const row = html.split("<tr>").find((r) => r.includes(`<td>${person}</td>`));
  const cells = row?.match(/<td>([\s\S]*?)<\/td>/g) ?? [];
  return cells[4]
    ?.replace(/<form[\s\S]*<\/form>/, "")
    .replace(/<[^>]+>/g, "")
    .trim();
}

const newFamily = (over: Record<string, string> = {}) => ({
  household_name: "M. et Mme ESSAI",
  civility: "Mme",
  first_name: "Camille",
  last_name: "Essai",
  email: "",
  login: "",
  ...over,
});

describe("staff", () => {
  it("log in at /agents/connexion and see « Espace agents » with their town's accounts and their state", async () => {
    const c = await staffOf(SENE, "admin@sene.test", "192.0.2.1");
    const res = await c.get("/agents");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Espace agents – Séné");
    expect(html).toContain("Anne ADMIN");
    expect(html).toContain("administrateur");
    expect(html).toContain("<td>Famille TEST</td>");
    expect(stateOf(html, "Lola TEST")).toBe("Activé");
    expect(html).not.toContain("DUPONT");
    expect(html).not.toContain("MAIRIE");
    // A signed-in staff member opening the portal's front page is sent to the back-office.
    const front = await c.get("/");
    expect(front.status).toBe(303);
    expect(front.headers.get("location")).toBe("/agents");
  });

  it("shows an agent as « agent »", async () => {
    const c = await staffOf(PLOMBIERES, "agent@plombieres.test", "192.0.2.2");
    const html = await (await c.get("/agents")).text();
    expect(html).toContain("Espace agents – Plombières-lès-Dijon");
    expect(html).toContain("Paul AGENT (agent)");
    expect(html).toContain("M. et Mme DUPONT");
    expect(html).toContain("jdupont");
    expect(stateOf(html, "Jean DUPONT")).toBe("Activé");
    // A letter account whose temporary password has not been replaced yet.
    expect(stateOf(html, "Sophie MARTIN")).toBe("Courrier à remettre");
  });

  it("of Séné cannot log in on the Plombières host, nor carry their cookie there", async () => {
    const c = client(p.app, PLOMBIERES, { ip: "192.0.2.3" });
    const res = await c.login("admin@sene.test", DEMO_PASSWORD, "/agents");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Adresse e-mail ou mot de passe incorrect.");
    expect(res.headers.getSetCookie()).toEqual([]);

    const sene = await staffOf(SENE, "admin@sene.test", "192.0.2.3");
    const token = sene.cookies.get("__Host-parvis") as string;
    expect(token).toBeTruthy();
    const carried = await p.app.request("http://127.0.0.1/agents", {
      headers: { Host: PLOMBIERES, Cookie: `__Host-parvis=${token}` },
      redirect: "manual",
    });
    expect(carried.status).toBe(303);
    expect(carried.headers.get("location")).toBe("/agents/connexion");
    // The unknown cookie is cleared rather than kept.
    expect(carried.headers.getSetCookie().join("\n")).toMatch(/__Host-parvis=;/);
  });

  it("cannot log in as parents, and parents cannot log in as staff", async () => {
    const staffAsParent = await client(p.app, SENE, { ip: "192.0.2.4" }).login(
      "admin@sene.test",
      DEMO_PASSWORD,
    );
    expect(staffAsParent.status).toBe(401);
    const parentAsStaff = await client(p.app, SENE, { ip: "192.0.2.4" }).login(
      "lola.test@sene.test",
      DEMO_PASSWORD,
      "/agents",
    );
    expect(parentAsStaff.status).toBe(401);
  });

  it("area is refused to a parent (403 « réservé aux agents »)", async () => {
    const parent = client(p.app, SENE, { ip: "192.0.2.5" });
    expect((await parent.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    for (const pathname of ["/agents", "/agents/familles/nouvelle"]) {
      const res = await parent.get(pathname);
      expect(res.status, pathname).toBe(403);
      expect(await res.text(), pathname).toContain("réservé aux agents");
    }
    const before = await householdCount("sene");
    const post = await parent.post("/agents/familles/nouvelle", newFamily({ email: "intrus@sene.test" }));
    expect(post.status).toBe(403);
    expect(await householdCount("sene")).toBe(before);
  });

  it("area sends anonymous visitors to /agents/connexion", async () => {
    const anon = client(p.app, SENE);
    for (const pathname of ["/agents", "/agents/familles/nouvelle"]) {
      const res = await anon.get(pathname);
      expect(res.status, pathname).toBe(303);
      expect(res.headers.get("location"), pathname).toBe("/agents/connexion");
    }
    const post = await anon.post("/agents/familles/nouvelle", newFamily({ email: "anonyme@sene.test" }));
    expect(post.status).toBe(303);
    expect(await outboxCount("sene", "anonyme@sene.test")).toBe(0);
    const login = await anon.get("/agents/connexion");
    expect(login.status).toBe(200);
    expect(await login.text()).toContain("Espace agents – connexion");
  });

  it("of Plombières create a family account with a temporary password that must be changed at first login", async () => {
    const staff = await staffOf(PLOMBIERES, "admin@plombieres.test", "192.0.2.6");
    const form = await (await staff.get("/agents/familles/nouvelle")).text();
    expect(form).toContain("Créer un compte famille");
    expect(form).toContain('name="login"');
    const mailsBefore = await outboxCount("plombieres");

    const created = await staff.post(
      "/agents/familles/nouvelle",
      newFamily({
        household_name: "M. et Mme TESTEUR",
        civility: "M.",
        first_name: "Luc",
        last_name: "Testeur",
        login: "LTesteur",
      }),
    );
    expect(created.status).toBe(200);
    const html = await created.text();
    expect(html).toContain("Compte famille créé");
    expect(html).toContain("<dd>ltesteur</dd>");
    const temporary = html.match(/Mot de passe provisoire<\/dt><dd><code>([^<]+)<\/code>/)?.[1];
    expect(temporary).toMatch(/^\S{12}$/);
    const number = html.match(/N° Famille <strong>(\d+)<\/strong>/)?.[1];
    expect(number).toBeTruthy();
    expect(await outboxCount("plombieres")).toBe(mailsBefore);

    const row = await p.owner
      .selectFrom("users")
      .innerJoin("households", (j) =>
        j
          .onRef("households.tenant_id", "=", "users.tenant_id")
          .onRef("households.id", "=", "users.household_id"),
      )
      .select(["users.must_change_password", "users.last_name", "households.number", "users.password_hash"])
      .where("users.login", "=", "ltesteur")
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ must_change_password: true, last_name: "TESTEUR", number });
    expect(row.password_hash).not.toContain(temporary as string);

    const listed = await (await staff.get("/agents")).text();
    expect(listed).toContain("M. et Mme TESTEUR");
    expect(stateOf(listed, "Luc TESTEUR")).toBe("Courrier à remettre");

    const parent = client(p.app, PLOMBIERES, { ip: "192.0.2.7" });
    const login = await parent.login("ltesteur", temporary as string);
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/mot-de-passe");
    for (const pathname of ["/", "/profil"]) {
      const res = await parent.get(pathname);
      expect(res.status, pathname).toBe(303);
      expect(res.headers.get("location"), pathname).toBe("/mot-de-passe");
    }
    const forced = await parent.get("/mot-de-passe");
    expect(forced.status).toBe(200);
    expect(await forced.text()).toContain("choisissez votre propre mot de passe");

    const weak = await parent.post("/mot-de-passe", {
      current_password: temporary as string,
      new_password: "court",
      confirm_password: "court",
    });
    expect(weak.status).toBe(422);
    const changed = await parent.post("/mot-de-passe", {
      current_password: temporary as string,
      new_password: "Nouveau2026x",
      confirm_password: "Nouveau2026x",
    });
    expect(changed.status).toBe(303);
    expect(changed.headers.get("location")).toBe("/?message=mot-de-passe-modifie");
    const home = await parent.get("/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Bienvenue Luc TESTEUR");

    const stale = await client(p.app, PLOMBIERES, { ip: "192.0.2.8" }).login("ltesteur", temporary as string);
    expect(stale.status).toBe(401);
    const fresh = await client(p.app, PLOMBIERES, { ip: "192.0.2.8" }).login("ltesteur", "Nouveau2026x");
    expect(fresh.status).toBe(303);
    expect(fresh.headers.get("location")).toBe("/");
    expect(stateOf(await (await staff.get("/agents")).text(), "Luc TESTEUR")).toBe("Activé");
  });

  it("get French messages and no account for an invalid or duplicate family", async () => {
    const staff = await staffOf(PLOMBIERES, "admin@plombieres.test", "192.0.2.9");
    const households = await householdCount("plombieres");
    const empty = await staff.post("/agents/familles/nouvelle", { household_name: "", first_name: "Zoé" });
    expect(empty.status).toBe(422);
    const html = await empty.text();
    expect(html).toContain("Le nom du foyer est obligatoire.");
    expect(html).toContain("Choisissez la civilité.");
    expect(html).toContain('value="Zoé"');

    const taken = await staff.post("/agents/familles/nouvelle", newFamily({ login: "JDUPONT" }));
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain("Cet identifiant est déjà attribué.");
    expect(await householdCount("plombieres")).toBe(households);
  });
});

describe("the e-mail outbox", () => {
  it("holds nothing from a family creation refused for a duplicate e-mail", async () => {
    const staff = await staffOf(SENE, "admin@sene.test", "192.0.2.10");
    const outbox = await outboxCount("sene");
    const households = await householdCount("sene");
    const res = await staff.post("/agents/familles/nouvelle", newFamily({ email: "LOLA.TEST@sene.test" }));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Un compte famille utilise déjà cette adresse e-mail.");
    expect(await outboxCount("sene")).toBe(outbox);
    expect(await householdCount("sene")).toBe(households);
  });

  it("loses the queued e-mail when the transaction that queued it fails", async () => {
    const to = "rollback.parent@sene.test";
    let armed = true;
    let queuedInside = -1;
    const failing: Database = {
      ...p.deps.db,
      withTenant(ctx, fn) {
        return p.deps.db.withTenant(ctx, async (trx) => {
          const result = await fn(trx);
          if (armed && ctx.role === "app_staff") {
            armed = false;
            // The e-mail is in the outbox, inside this transaction, before it fails.
            await sql`select set_config('role', 'app_jobs', true)`.execute(trx);
            const { rows } = await sql<{ n: number }>`
              select count(*)::int as n from outbox where to_address = ${to}`.execute(trx);
            queuedInside = rows[0]?.n ?? -1;
            throw new Error("simulated failure after the e-mail was queued");
          }
          return result;
        });
      },
    };
    const app = createApp({
      ...p.deps,
      db: failing,
      sites: createSiteResolver(failing, p.deps.env.PLATFORM_DOMAIN, true),
    });
    const staff = client(app, SENE, { ip: "192.0.2.11" });
    armed = false;
    expect((await staff.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const since = lastId(p.mailbox);
    const households = await householdCount("sene");
    armed = true;
    const res = await staff.post("/agents/familles/nouvelle", newFamily({ email: to }));
    expect(res.status).toBe(500);
    expect(queuedInside).toBe(1);
    expect(await outboxCount("sene", to)).toBe(0);
    expect(await householdCount("sene")).toBe(households);
    const user = await p.owner.selectFrom("users").select("id").where("email", "=", to).executeTakeFirst();
    expect(user).toBeUndefined();
    await expect(p.mailbox.waitFor(to, { since, timeoutMs: 1500 })).rejects.toThrow(/no mail/);

    // The same creation, when it commits, queues exactly one e-mail that is really sent.
    const ok = await staff.post("/agents/familles/nouvelle", newFamily({ email: to }));
    expect(ok.status).toBe(200);
    expect(await outboxCount("sene", to)).toBe(1);
    const mail = await p.mailbox.waitFor(to, { since });
    expect(mail.subject).toContain("Séné");
  });
});

describe("the dev mailbox on mail.localhost:3000", () => {
  it("lists an e-mail once sent and shows its text with clickable links that work", async () => {
    const to = "nouveau.parent@sene.test";
    const mailbox = client(p.app, "mail.localhost:3000");
    expect(await (await mailbox.get("/")).text()).not.toContain(to);

    const staff = await staffOf(SENE, "admin@sene.test", "192.0.2.12");
    const since = lastId(p.mailbox);
    const created = await staff.post(
      "/agents/familles/nouvelle",
      newFamily({ email: to, last_name: "Nouveau" }),
    );
    expect(created.status).toBe(200);
    expect(await created.text()).toContain(
      `Un e-mail d'ouverture de compte a été envoyé à <strong>${to}</strong>`,
    );
    const mail = await p.mailbox.waitFor(to, { since });

    const list = await mailbox.get("/");
    expect(list.status).toBe(200);
    const listHtml = await list.text();
    expect(listHtml).toContain(to);
    expect(listHtml).toContain(`href="/messages/${mail.id}"`);

    const shown = await mailbox.get(`/messages/${mail.id}`);
    expect(shown.status).toBe(200);
    const html = await shown.text();
    const link = linkIn(mail.text, "http://sene.localhost:3000");
    expect(link).toMatch(/^\/activation\/[\w-]+$/);
    expect(html).toContain(
      `<a href="http://sene.localhost:3000${link}">http://sene.localhost:3000${link}</a>`,
    );

    const staffHome = await (await staff.get("/agents")).text();
    expect(stateOf(staffHome, "Camille NOUVEAU")).toBe("En attente d'activation");
    expect(staffHome).toContain(
      "Renvoyer l'e-mail d'activation<span class=\"visually-hidden\"> à Camille NOUVEAU",
    );

    // The link leads to the password choice on the town's own host.
    const parent = client(p.app, SENE, { ip: "192.0.2.13" });
    const open = await parent.get(link);
    expect(open.status).toBe(200);
    expect(await open.text()).toContain('name="new_password"');
  });

  it("does not exist when no mailbox is configured", async () => {
    const app = createApp({
      ...p.deps,
      sites: createSiteResolver(p.deps.db, p.deps.env.PLATFORM_DOMAIN, false),
      mailbox: undefined,
    });
    for (const pathname of ["/", "/messages/1"]) {
      const res = await app.request(`http://127.0.0.1${pathname}`, {
        headers: { Host: "mail.localhost:3000" },
      });
      expect(res.status, pathname).toBe(404);
      const html = await res.text();
      expect(html).toContain("Portail introuvable");
      expect(html).not.toContain("@");
    }
  });
});

describe("operators", () => {
  it("log in at admin.localhost:3000/connexion and see the three towns", async () => {
    const op = client(p.app, ADMIN, { ip: "192.0.2.20" });
    const anon = await op.get("/");
    expect(anon.status).toBe(303);
    expect(anon.headers.get("location")).toBe("/connexion");
    const form = await op.get("/connexion");
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("Console des opérateurs");

    const res = await op.login(DEMO_OPERATOR.email, DEMO_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/connexion/code");
    expect((await op.get("/")).status).toBe(303);
    await op.get("/connexion/code");
    expect((await op.post("/connexion/code", { code: await operatorCode(p) })).status).toBe(200);
    const home = await op.get("/");
    expect(home.status).toBe(200);
    expect(home.headers.get("cache-control")).toBe("no-store");
    const html = await home.text();
    for (const name of [
      "Ville de Séné",
      "Ville de Sennecey-lès-Dijon",
      "Plombières-lès-Dijon – Espace Germaine Tillion",
    ])
      expect(html).toContain(name);
    for (const host of [
      "sene.localhost",
      "senneceylesdijon.localhost",
      "plombieres.localhost",
      "portail-famille.sennecey.test",
    ])
      expect(html).toContain(host);
    expect(html.match(/<td>Ouvert<\/td>/g)).toHaveLength(3);
    expect(html).toContain(DEMO_OPERATOR.name);

    const audit = await p.owner
      .selectFrom("platform_audit")
      .select("ip")
      .where("event", "=", "login")
      .execute();
    expect(audit.map((a) => a.ip)).toContain("192.0.2.20");

    const out = await op.post("/deconnexion");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/connexion?message=deconnecte");
    expect((await op.get("/")).status).toBe(303);
  });

  it("get 401 for a wrong password, and staff credentials open nothing", async () => {
    for (const [email, password] of [
      [DEMO_OPERATOR.email, "pas-le-bon-mot-de-passe"],
      ["admin@sene.test", DEMO_PASSWORD],
    ] as const) {
      const op = client(p.app, ADMIN, { ip: "192.0.2.21" });
      const res = await op.login(email, password);
      expect(res.status, email).toBe(401);
      expect(await res.text(), email).toContain("Adresse e-mail ou mot de passe incorrect.");
      expect(res.headers.getSetCookie(), email).toEqual([]);
      expect((await op.get("/")).status, email).toBe(303);
    }
    const failures = await p.owner
      .selectFrom("platform_audit")
      .select("event")
      .where("event", "=", "login_failed")
      .where("ip", "=", "192.0.2.21")
      .execute();
    expect(failures).toHaveLength(2);
    const empty = await client(p.app, ADMIN, { ip: "192.0.2.21" }).login("", "");
    expect(empty.status).toBe(422);
  });

  it("ignore a town's staff or parent cookie, and their cookie means nothing in a town", async () => {
    const staff = await staffOf(SENE, "admin@sene.test", "192.0.2.22");
    const parent = client(p.app, SENE, { ip: "192.0.2.22" });
    expect((await parent.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    for (const town of [staff, parent]) {
      const token = town.cookies.get("__Host-parvis") as string;
      expect(token).toBeTruthy();
      const res = await p.app.request("http://127.0.0.1/", {
        headers: { Host: ADMIN, Cookie: `__Host-parvis=${token}` },
        redirect: "manual",
      });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/connexion");
      const suspend = await p.app.request(`http://127.0.0.1/communes/${p.tenants.get("sene")}/suspendre`, {
        method: "POST",
        headers: { Host: ADMIN, Origin: `http://${ADMIN}`, Cookie: `__Host-parvis=${token}` },
        redirect: "manual",
      });
      expect(suspend.status).toBe(303);
      expect(suspend.headers.get("location")).toBe("/connexion");
    }
    const sene = await p.owner
      .selectFrom("tenants")
      .select("status")
      .where("slug", "=", "sene")
      .executeTakeFirst();
    expect(sene?.status).toBe("active");

    const op = client(p.app, ADMIN, { ip: "192.0.2.23" });
    await signInOperator(p, op);
    const opToken = op.cookies.get("__Host-parvis") as string;
    for (const pathname of ["/agents", "/profil"]) {
      const res = await p.app.request(`http://127.0.0.1${pathname}`, {
        headers: { Host: SENE, Cookie: `__Host-parvis=${opToken}` },
        redirect: "manual",
      });
      expect(res.status, pathname).toBe(303);
      expect(res.headers.get("location"), pathname).toMatch(/^\/(agents\/)?connexion/);
    }
  });
});

describe("request logs", () => {
  it("name the signed-in user on the closing « request » line, and nobody for a visitor", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const app = createApp({ ...p.deps, log });
    const users = await p.owner.selectFrom("users").select(["id", "email"]).execute();
    const idOf = (email: string) => users.find((u) => u.email === email)?.id;
    const requestLine = (path: string) => lines.filter((l) => l.msg === "request" && l.path === path).at(-1);

    await client(app, SENE, { ip: "192.0.2.71" }).get("/connexion");
    expect(requestLine("/connexion")).not.toHaveProperty("userId");

    const parent = client(app, SENE, { ip: "192.0.2.72" });
    expect((await parent.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    expect((await parent.get("/foyer")).status).toBe(200);
    expect(requestLine("/foyer")?.userId).toBe(idOf("lola.test@sene.test"));

    const staff = client(app, SENE, { ip: "192.0.2.73" });
    expect((await staff.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect((await staff.get("/agents")).status).toBe(200);
    expect(requestLine("/agents")?.userId).toBe(idOf("admin@sene.test"));
  });
});
