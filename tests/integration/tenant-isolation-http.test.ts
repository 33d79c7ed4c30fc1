/**
 * Tenant isolation through the real app (architecture §4, §5.2, §5.3): a session cookie of one
 * town opens nothing on another town's host, and a staff route given another town's id
 * answers 404 and writes nothing. Every refusal is paired with the same request succeeding
 * where it should, so a refusal for the wrong reason cannot pass.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const SENNECEY = "senneceylesdijon.localhost:3000";
const PLOMBIERES = "plombieres.localhost:3000";
const COOKIE = "__Host-parvis";

let p: TestPlatform;
let seneCookie: string;
let senneceyCookie: string;

async function loginCookie(host: string, identifier: string, ip: string, base = ""): Promise<string> {
  const c = client(p.app, host, { ip });
  const res = await c.login(identifier, DEMO_PASSWORD, base);
  expect(res.status, `${identifier} logs in`).toBe(303);
  const cookie = c.cookies.get(COOKIE);
  if (!cookie) throw new Error(`no ${COOKIE} cookie after logging in ${identifier}`);
  return cookie;
}
/** A browser on `host` that carries the given session cookie. */
function withCookie(host: string, cookie: string) {
  const c = client(p.app, host, { ip: "198.51.100.90" });
  c.cookies.set(COOKIE, cookie);
  return c;
}
const userId = async (tenant: string, email: string) =>
  (
    await p.owner
      .selectFrom("users")
      .select(["id", "password_hash"])
      .where("tenant_id", "=", p.tenants.get(tenant) as string)
      .where("email", "=", email)
      .executeTakeFirstOrThrow()
  ).id;

beforeAll(async () => {
  p = await createTestPlatform();
  seneCookie = await loginCookie(SENE, "lola.test@sene.test", "198.51.100.80");
  senneceyCookie = await loginCookie(SENNECEY, "parent1.mairie@senneceylesdijon.test", "198.51.100.81");
});
afterAll(async () => {
  await p?.close();
});

const FAMILY_PAGES = ["/", "/profil", "/compte/email", "/mot-de-passe"];

describe("a parent's session cookie is good on its own town only", () => {
  it.each([
    [SENE, () => seneCookie, "Famille TEST"],
    [SENNECEY, () => senneceyCookie, "M. et Mme MAIRIE"],
  ])("on %s its own cookie opens the family pages (positive control)", async (host, cookie, family) => {
    const c = withCookie(host, cookie());
    for (const path of FAMILY_PAGES) expect((await c.get(path)).status, path).toBe(200);
    expect(await (await c.get("/profil")).text()).toContain(family);
  });

  it.each(FAMILY_PAGES)(
    "a Séné cookie on the Sennecey host: GET %s shows no family and asks to log in",
    async (path) => {
      const c = withCookie(SENNECEY, seneCookie);
      const res = await c.get(path);
      const html = await res.text();
      for (const leak of ["Famille TEST", "Lola", "lola.test@sene.test", "MAIRIE", "Bienvenue Lola"])
        expect(html).not.toContain(leak);
      if (path === "/") {
        expect(res.status).toBe(200); // the town's public page with its login form
        expect(html).toContain('name="identifier"');
      } else {
        expect(res.status).toBe(303);
        expect(res.headers.get("location")).toMatch(/^\/connexion(\?|$)/);
      }
      // The unknown cookie is dropped on that host; it still works where it belongs.
      expect(
        res.headers.getSetCookie().some((l) => l.startsWith(`${COOKIE}=;`) && /max-age=0/i.test(l)),
      ).toBe(true);
      expect((await withCookie(SENE, seneCookie).get(path)).status).toBe(200);
    },
  );

  it("a Sennecey cookie on the Séné host opens nothing either", async () => {
    for (const path of FAMILY_PAGES.slice(1)) {
      const res = await withCookie(SENE, senneceyCookie).get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location"), path).toMatch(/^\/connexion/);
    }
  });

  it("a Séné cookie on the Sennecey host cannot change the Séné parent's password or e-mail", async () => {
    const lola = () =>
      p.owner
        .selectFrom("users")
        .select(["password_hash", "email"])
        .where("email", "=", "lola.test@sene.test")
        .executeTakeFirstOrThrow();
    const before = await lola();
    const c = withCookie(SENNECEY, seneCookie);
    const pw = await c.post("/mot-de-passe", {
      current_password: DEMO_PASSWORD,
      new_password: "Autre-Mot-2026x",
      confirm_password: "Autre-Mot-2026x",
    });
    expect([pw.status, pw.headers.get("location")]).toEqual([303, expect.stringMatching(/^\/connexion/)]);
    const c2 = withCookie(SENNECEY, seneCookie);
    const mail = await c2.post("/compte/email", { email: "pirate@exemple.fr", password: DEMO_PASSWORD });
    expect([mail.status, mail.headers.get("location")]).toEqual([303, expect.stringMatching(/^\/connexion/)]);
    expect(await lola()).toEqual(before);
    const tokens = await p.owner
      .selectFrom("auth_tokens")
      .select("id")
      .where("new_email", "=", "pirate@exemple.fr")
      .execute();
    expect(tokens).toEqual([]);
  });
});

describe("staff routes given another town's id answer 404", () => {
  let staff: ReturnType<typeof client>;
  /** A parent invited but not yet active: the only kind the activation route acts on. */
  const invited = async (slug: string, email: string) => {
    const tenant = p.tenants.get(slug) as string;
    const h = await p.owner
      .insertInto("households")
      .values({ tenant_id: tenant, number: `iso-${email}`, name: "ISOLATION" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const u = await p.owner
      .insertInto("users")
      .values({
        tenant_id: tenant,
        kind: "parent",
        household_id: h.id,
        first_name: "Iso",
        last_name: "LATION",
        email,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return u.id;
  };
  const written = async (user: string, to: string) => ({
    tokens: (await p.owner.selectFrom("auth_tokens").select("id").where("user_id", "=", user).execute())
      .length,
    mails: (await p.owner.selectFrom("outbox").select("id").where("to_address", "=", to).execute()).length,
  });

  beforeAll(async () => {
    staff = withCookie(SENE, await loginCookie(SENE, "admin@sene.test", "198.51.100.82", "/agents"));
  });

  it("a Séné admin re-sends an activation for a Séné parent (positive control)", async () => {
    const id = await invited("sene", "invite.sene@exemple.fr");
    const res = await staff.post(`/agents/familles/${id}/activation`);
    expect([res.status, res.headers.get("location")]).toEqual([303, "/agents?message=activation-renvoyee"]);
    expect(await written(id, "invite.sene@exemple.fr")).toEqual({ tokens: 1, mails: 1 });
  });

  it("a Plombières parent's id (demo, and invited) answers 404 on Séné and writes nothing", async () => {
    const dupont = await userId("plombieres", "jean.dupont@plombieres.test");
    const invitee = await invited("plombieres", "invite.plombieres@exemple.fr");
    for (const [id, to] of [
      [dupont, "jean.dupont@plombieres.test"],
      [invitee, "invite.plombieres@exemple.fr"],
    ] as const) {
      const res = await staff.post(`/agents/familles/${id}/activation`);
      expect(res.status, to).toBe(404);
      expect(await res.text()).toContain("Page introuvable");
      expect(await written(id, to), to).toEqual({ tokens: 0, mails: 0 });
    }
  });

  it("a Séné staff cookie opens nothing on the Plombières host", async () => {
    const c = withCookie(PLOMBIERES, staff.cookies.get(COOKIE) as string);
    const home = await c.get("/agents");
    expect([home.status, home.headers.get("location")]).toEqual([303, "/agents/connexion"]);
    const dupont = await userId("plombieres", "jean.dupont@plombieres.test");
    const post = await withCookie(PLOMBIERES, staff.cookies.get(COOKIE) as string).post(
      `/agents/familles/${dupont}/activation`,
    );
    expect([post.status, post.headers.get("location")]).toEqual([303, "/agents/connexion"]);
    expect(await written(dupont, "jean.dupont@plombieres.test")).toEqual({ tokens: 0, mails: 0 });
  });
});

describe("a request that fails half-way rolls back everything it wrote (architecture §4)", () => {
  it("opening a family whose last write fails leaves no household, parent, token or e-mail behind", async () => {
    const staff = withCookie(SENE, await loginCookie(SENE, "admin@sene.test", "198.51.100.83", "/agents"));
    const sene = p.tenants.get("sene") as string;
    const counts = async () => {
      const n = async (table: "households" | "users" | "auth_tokens" | "outbox") =>
        (await p.owner.selectFrom(table).select("tenant_id").where("tenant_id", "=", sene).execute()).length;
      return {
        households: await n("households"),
        users: await n("users"),
        tokens: await n("auth_tokens"),
        outbox: await n("outbox"),
      };
    };
    const form = (email: string) => ({
      household_name: "Famille ROLLBACK",
      civility: "Mme",
      first_name: "Rita",
      last_name: "Rollback",
      email,
      login: "",
    });
    const before = await counts();
    // The activation e-mail is written before its auth event; make that last insert fail.
    await sql`alter table auth_events add constraint test_refuse_activation check (event <> 'activation_sent') not valid`.execute(
      p.owner,
    );
    try {
      const res = await staff.post("/agents/familles/nouvelle", form("rollback@exemple.fr"));
      expect(res.status).toBe(500);
      expect(await res.text()).toContain("Erreur inattendue");
    } finally {
      await sql`alter table auth_events drop constraint test_refuse_activation`.execute(p.owner);
    }
    expect(await counts()).toEqual(before);
    expect(
      await p.owner.selectFrom("users").select("id").where("email", "=", "rollback@exemple.fr").execute(),
    ).toEqual([]);
    // Positive control: the same request commits all four once nothing fails.
    const ok = await staff.post("/agents/familles/nouvelle", form("rollback@exemple.fr"));
    expect(ok.status).toBe(200);
    expect(await counts()).toEqual({
      households: before.households + 1,
      users: before.users + 1,
      tokens: before.tokens + 1,
      outbox: before.outbox + 1,
    });
  });
});
