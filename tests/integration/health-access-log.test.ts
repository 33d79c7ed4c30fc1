/**
 * Issue 16, item 13: every staff view of a child's health information is logged (who, when,
 * which child, never the values); a town admin reads it per child, the parent under the child.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { tenantOf } from "../helpers/auth-fixture.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

let ipSeq = 0;
async function signedIn(identifier: string, base = "") {
  const c = client(p.app, SENE, { ip: `198.19.0.${++ipSeq}` });
  expect((await c.login(identifier, DEMO_PASSWORD, base)).status).toBe(303);
  return c;
}

const lolaChild = () =>
  p.owner
    .selectFrom("children as c")
    .innerJoin("users as u", (j) =>
      j.onRef("u.tenant_id", "=", "c.tenant_id").onRef("u.household_id", "=", "c.household_id"),
    )
    .select(["c.id", "c.household_id", "c.first_name"])
    .where("u.email", "=", "lola.test@sene.test")
    .where("c.tenant_id", "=", tenantOf(p, "sene"))
    .executeTakeFirstOrThrow();

const logOf = (childId: string) =>
  p.owner.selectFrom("health_access_log").selectAll().where("child_id", "=", childId).orderBy("at").execute();

describe("health data access log", () => {
  it("an agent's view of the household file and of « Renseignements médicaux » is logged, without values", async () => {
    const child = await lolaChild();
    const agent = await signedIn("agent@sene.test", "/agents");
    expect((await agent.get(`/agents/foyers/${child.household_id}`)).status).toBe(200);
    expect((await agent.get(`/agents/foyers/${child.household_id}/enfants/${child.id}/sante`)).status).toBe(
      200,
    );
    const rows = await logOf(child.id);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.viewer_name).toBe("Yann AGENT");
      expect(r.what).toBe("fiche");
      expect(Object.keys(r).sort()).toEqual(
        ["at", "child_id", "household_id", "id", "tenant_id", "viewer_id", "viewer_name", "what"].sort(),
      );
    }
  });

  it("an agent's download of the complete « Fiche enfant » is logged as such", async () => {
    const child = await lolaChild();
    const agent = await signedIn("agent@sene.test", "/agents");
    const file = await (await agent.get(`/agents/foyers/${child.household_id}`)).text();
    const sheet = `/agents/foyers/${child.household_id}/enfants/${child.id}/fiche`;
    expect(file).toContain(`href="${sheet}"`);
    const res = await agent.get(sheet);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const pdfRows = (await logOf(child.id)).filter((r) => r.what === "pdf");
    expect(pdfRows.map((r) => r.viewer_name)).toEqual(["Yann AGENT"]);
    const plombieres = await p.owner
      .selectFrom("children")
      .select(["id", "household_id"])
      .where("tenant_id", "=", tenantOf(p, "plombieres"))
      .executeTakeFirstOrThrow();
    const elsewhere = `/agents/foyers/${plombieres.household_id}/enfants/${plombieres.id}/fiche`;
    expect((await agent.get(elsewhere)).status).toBe(404);
  });

  it("the parent sees « Consultations de la fiche sanitaire » under the child", async () => {
    const child = await lolaChild();
    const parent = await signedIn("lola.test@sene.test");
    const show = await (await parent.get(`/enfants/${child.id}`)).text();
    expect(show).toContain(`href="/enfants/${child.id}/consultations"`);
    const res = await parent.get(`/enfants/${child.id}/consultations`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`Consultations de la fiche sanitaire de ${child.first_name}`);
    expect(html).toContain("Yann AGENT");
    expect(html).toContain("Renseignements médicaux");
  });

  it("a town admin reads it per child; an agent may not; another household's child is not found", async () => {
    const child = await lolaChild();
    const admin = await signedIn("admin@sene.test", "/agents");
    const path = `/agents/foyers/${child.household_id}/enfants/${child.id}/consultations`;
    const res = await admin.get(path);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Yann AGENT");
    const agent = await signedIn("agent@sene.test", "/agents");
    expect((await agent.get(path)).status).toBe(403);
    const other = await signedIn("lola.test@sene.test");
    const plombieres = await p.owner
      .selectFrom("children")
      .select("id")
      .where("tenant_id", "=", tenantOf(p, "plombieres"))
      .executeTakeFirstOrThrow();
    expect((await other.get(`/enfants/${plombieres.id}/consultations`)).status).toBe(404);
  });
});
