import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { operatorClient } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
let p: TestPlatform;
let op: Awaited<ReturnType<typeof operatorClient>>;
let seneId: string;
beforeAll(async () => {
  p = await createTestPlatform();
  op = await operatorClient(p);
  seneId = p.tenants.get("sene") as string;
});
afterAll(async () => {
  await p?.close();
});

/** « Entrer dans la commune » from the console, then the link opened on the town's host. */
async function enter(form: Record<string, string> = {}) {
  const res = await op.post(`/communes/${seneId}/support`, form);
  expect(res.status).toBe(303);
  const location = res.headers.get("location") as string;
  expect(location).toMatch(/^http:\/\/sene\.localhost:3000\/agents\/support\/[\w-]+$/);
  const path = new URL(location).pathname;
  const town = client(p.app, SENE, { ip: "198.51.100.40" });
  const opened = await town.get(path);
  expect(opened.status).toBe(303);
  expect(opened.headers.get("location")).toBe("/agents");
  return { town, path };
}
const events = async () =>
  (
    await p.owner
      .selectFrom("platform_audit")
      .select(["event", "detail"])
      .where("target_tenant_id", "=", seneId)
      .where("event", "like", "support%")
      .orderBy("at")
      .execute()
  ).map((e) => `${e.event}${e.detail ? ` ${e.detail}` : ""}`);

describe("support access", () => {
  it("opens the back-office read-only for an hour, with a banner, every page audited", async () => {
    const { town, path } = await enter();
    const home = await town.get("/agents");
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain("Accès du support Parvis");
    expect(html).toContain("lecture seule");
    expect((await town.get("/agents/foyers")).status).toBe(200);

    const before = await p.owner
      .selectFrom("households")
      .select("id")
      .where("tenant_id", "=", seneId)
      .execute();
    const write = await town.post("/agents/familles/nouvelle", {
      household_name: "X",
      first_name: "A",
      last_name: "B",
    });
    expect(write.status).toBe(403);
    expect(await write.text()).toContain("Accès du support en lecture seule");
    expect(
      await p.owner.selectFrom("households").select("id").where("tenant_id", "=", seneId).execute(),
    ).toHaveLength(before.length);
    // The link is spent once opened.
    expect((await client(p.app, SENE).get(path)).status).toBe(410);
    // The families' portal does not see the support session.
    expect(await (await town.get("/")).text()).not.toContain("Accès du support Parvis");

    expect(await events()).toEqual([
      "support_entered",
      "support_page GET /agents",
      "support_page GET /agents/foyers",
      "support_page POST /agents/familles/nouvelle",
    ]);

    expect((await town.post("/agents/support/fin")).status).toBe(303);
    expect((await town.get("/agents")).status).toBe(303);
    expect((await events()).at(-1)).toBe("support_left");
  });

  it("writes only with a stated reason, itself audited", async () => {
    const refused = await op.post(`/communes/${seneId}/support`, { ecriture: "on", motif: "" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('id="f-motif-error">Indiquez le motif');
    const { town } = await enter({ ecriture: "on", motif: "Ticket 4521 : corriger un foyer" });
    expect(await (await town.get("/agents")).text()).toContain("lecture et écriture");
    const form = await town.post("/agents/familles/nouvelle", {});
    expect(form.status).toBe(422);
    expect(await events()).toContain("support_entered_write Ticket 4521 : corriger un foyer");
  });

  it("ends after one hour", async () => {
    const { town } = await enter();
    await p.owner
      .updateTable("support_entries")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("target_tenant_id", "=", seneId)
      .execute();
    const res = await town.get("/agents");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/agents/connexion");
  });

  it("is shown to the town's admins, not to its agents", async () => {
    const admin = client(p.app, SENE, { ip: "198.51.100.41" });
    expect((await admin.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const html = await (await admin.get("/agents/acces-support")).text();
    expect(html).toContain("<h1>Accès du support</h1>");
    expect(html).toContain("Opérateur Parvis");
    expect(html).toContain("Ticket 4521 : corriger un foyer");
    expect(html).toContain("Page consultée : GET /agents/foyers");
    const agent = client(p.app, SENE, { ip: "198.51.100.42" });
    expect((await agent.login("agent@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect((await agent.get("/agents/acces-support")).status).toBe(403);
    const other = client(p.app, "plombieres.localhost:3000", { ip: "198.51.100.43" });
    expect((await other.login("admin@plombieres.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect(await (await other.get("/agents/acces-support")).text()).toContain(
      "Le support n'est jamais entré",
    );
  });
});
