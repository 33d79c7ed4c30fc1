/**
 * Issue 16, item 14: « Mes données », everything the town holds on the household, and
 * nothing of another household nor any secret.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { inflatedPdfText } from "../helpers/pdf-text.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

describe("« Mes données »", () => {
  it("downloads the household's file, children and access log as JSON, without secrets or other families", async () => {
    const lola = client(p.app, SENE, { ip: "198.20.0.1" });
    expect((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    const pageRes = await lola.get("/mes-donnees");
    expect(pageRes.status).toBe(200);
    expect(await pageRes.text()).toContain('href="/mes-donnees.json"');

    const res = await lola.get("/mes-donnees.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("mes-donnees.json");
    const body = (await res.json()) as {
      controller: { name: string };
      data: Record<string, Record<string, unknown>[]>;
    };
    expect(body.controller.name).toBe("Ville de Séné");
    const { data } = body;
    const me = await p.owner
      .selectFrom("users")
      .select(["household_id"])
      .where("email", "=", "lola.test@sene.test")
      .executeTakeFirstOrThrow();
    for (const table of ["households", "children", "guardians", "users", "health_access_log"]) {
      expect(Object.keys(data), table).toContain(table);
    }
    expect(data.children?.length).toBeGreaterThan(0);
    for (const [table, rows] of Object.entries(data)) {
      for (const row of rows) {
        const household = table === "households" ? row.id : row.household_id;
        expect(household, table).toBe(me.household_id);
      }
    }
    const text = JSON.stringify(body);
    expect(text).not.toContain("password_hash");
    expect(text).not.toContain("$argon2");
    expect(text).not.toContain("tenant_id");
  });

  it("is for signed-in parents only", async () => {
    const res = await client(p.app, SENE).get("/mes-donnees.json");
    expect(res.status).toBe(303);
  });

  it("downloads a readable PDF of the household: its file, children and sections in French", async () => {
    const lola = client(p.app, SENE, { ip: "198.20.0.2" });
    expect((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    expect(await (await lola.get("/mes-donnees")).text()).toContain('href="/mes-donnees.pdf"');
    const res = await lola.get("/mes-donnees.pdf");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toContain("mes-donnees.pdf");
    const text = inflatedPdfText(Buffer.from(await res.arrayBuffer()));
    const child = await p.owner
      .selectFrom("children as c")
      .innerJoin("users as u", "u.household_id", "c.household_id")
      .select(["c.first_name"])
      .where("u.email", "=", "lola.test@sene.test")
      .executeTakeFirstOrThrow();
    for (const piece of [
      "Mes données",
      "Ville de Séné",
      "Foyer (1)",
      "Enfants (",
      "Factures (",
      child.first_name,
    ])
      expect(text).toContain(piece);
    expect(text).toContain("Consultations de la fiche sanitaire");
    expect(text).not.toContain("$argon2");
  });

  it("a parent asks to close the account; a town admin closes it and the parent is signed out", async () => {
    const lola = client(p.app, SENE, { ip: "198.20.0.3" });
    expect((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    const before = await (await lola.get("/mes-donnees")).text();
    expect(before).toContain("les factures et les paiements pendant 10 ans");

    const tooLong = await lola.post("/mes-donnees/fermeture", { reason: "x".repeat(1001) });
    expect(tooLong.status).toBe(422);
    const page422 = await tooLong.text();
    expect(page422).toContain('id="f-reason-error">1000 caractères au maximum.');
    expect(page422).toContain('aria-describedby="f-reason-error"');

    const asked = await lola.post("/mes-donnees/fermeture", { reason: "Nous déménageons." });
    expect(asked.status).toBe(303);
    expect(asked.headers.get("location")).toBe("/mes-donnees?demande=envoyee");
    expect(await (await lola.get("/mes-donnees")).text()).toContain(
      "Votre demande de fermeture du compte a été envoyée",
    );
    // A second request while one is open adds nothing.
    expect((await lola.post("/mes-donnees/fermeture", { reason: "" })).status).toBe(303);

    const agent = client(p.app, SENE, { ip: "198.20.0.4" });
    expect((await agent.login("agent@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const seen = await (await agent.get("/agents/fermetures-de-compte")).text();
    expect(seen).toContain("<h1>Demandes de fermeture de compte</h1>");
    expect(seen).toContain("Nous déménageons.");
    expect(seen.match(/Motif :/g)).toHaveLength(1);
    expect(seen).toContain("Un administrateur de la commune ferme les comptes.");

    const admin = client(p.app, SENE, { ip: "198.20.0.5" });
    expect((await admin.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const listed = await (await admin.get("/agents/fermetures-de-compte")).text();
    const id = listed.match(/fermetures-de-compte\/([0-9a-f-]{36})"/)?.[1] ?? "none";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await agent.post(`/agents/fermetures-de-compte/${id}`)).status).toBe(403);
    const closed = await admin.post(`/agents/fermetures-de-compte/${id}`);
    expect(closed.status).toBe(303);
    expect((await admin.post(`/agents/fermetures-de-compte/${id}`)).status).toBe(404);
    expect(await (await admin.get("/agents/fermetures-de-compte")).text()).toContain(
      "Aucune demande en attente.",
    );

    expect((await lola.get("/mes-donnees")).status).toBe(303);
    const again = client(p.app, SENE, { ip: "198.20.0.6" });
    expect((await again.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(401);
    const audit = await p.owner
      .selectFrom("audit_log")
      .select("action")
      .where("action", "in", ["closure_requested", "account_closed"])
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["account_closed", "closure_requested"]);
  });
});
