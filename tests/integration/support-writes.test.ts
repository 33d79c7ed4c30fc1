/**
 * Writing as support (issue 13): an operator who entered a town with a stated reason acts with
 * the operator's id, which is no user of the town. The write goes through and is recorded as
 * the operator's: in the household audit (`actor_kind = 'operator'`), in the rows' `*_by`
 * columns, and in the platform audit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_OPERATOR } from "../../src/demo/seed.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { operatorClient } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { account, request, requestStatus } from "../helpers/requests-fixture.ts";
import { seedInvoice } from "./billing-staff-fixture.ts";
import { dupont, PLOMBIERES, postFiles, threadIdOf } from "./messages-fixtures.ts";

let p: TestPlatform;
let tenant: Tenant;
let operatorId: string;
let town: ReturnType<typeof client>;
beforeAll(async () => {
  p = await createTestPlatform();
  const site = await p.deps.sites.resolve(PLOMBIERES);
  if (site.kind !== "tenant") throw new Error("no Plombières");
  tenant = site.tenant;
  operatorId = (
    await p.owner
      .selectFrom("operators")
      .select("id")
      .where("email", "=", DEMO_OPERATOR.email)
      .executeTakeFirstOrThrow()
  ).id;
  const op = await operatorClient(p);
  const res = await op.post(`/communes/${tenant.id}/support`, { ecriture: "on", motif: "Ticket 77" });
  town = client(p.app, PLOMBIERES, { ip: "198.51.100.60" });
  expect((await town.get(new URL(res.headers.get("location") as string).pathname)).status).toBe(303);
});
afterAll(async () => {
  await p?.close();
});

const auditOf = (entityId: string) =>
  p.owner
    .selectFrom("audit_log")
    .select(["actor_id", "actor_kind", "action"])
    .where("tenant_id", "=", tenant.id)
    .where("entity_id", "=", entityId)
    .orderBy("at")
    .execute();
const supportPosts = async () =>
  (
    await p.owner
      .selectFrom("platform_audit")
      .select("detail")
      .where("target_tenant_id", "=", tenant.id)
      .where("event", "=", "support_page")
      .where("operator_id", "=", operatorId)
      .where("detail", "like", "POST %")
      .execute()
  ).map((e) => e.detail);

describe("writing as support", () => {
  it("answers a family's message, recorded as the operator's", async () => {
    const jean = await dupont(p);
    const id = threadIdOf(
      await postFiles(p, jean, "/messages/nouveau", {
        subject: "Cantine",
        service: "Restauration scolaire",
        body: "Repas sans porc ?",
      }),
    );
    const res = await postFiles(p, town, `/agents/messages/${id}/repondre`, { body: "Réponse du support" });
    expect(res.status).toBe(303);
    const row = await p.owner
      .selectFrom("messages")
      .select(["author", "author_user_id"])
      .where("thread_id", "=", id)
      .where("author", "=", "town")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ author: "town", author_user_id: operatorId });
    expect(await (await jean.get(`/messages/${id}`)).text()).toContain("Réponse du support");
    expect(await supportPosts()).toContain(`POST /agents/messages/${id}/repondre`);
  });

  it("decides a change request, audited as the operator, not as a staff member", async () => {
    const id = await request(p, tenant, await account(p, tenant, "jdupont"), "coordonnees", {
      address_line: "3 rue du Support",
    });
    expect((await town.post(`/agents/demandes/${id}/accepter`, {})).status).toBe(303);
    expect(await requestStatus(p, id)).toBe("accepted");
    const row = await p.owner
      .selectFrom("change_requests")
      .select("decided_by")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.decided_by).toBe(operatorId);
    expect((await auditOf(id)).filter((a) => a.action === "accept")).toEqual([
      { actor_id: operatorId, actor_kind: "operator", action: "accept" },
    ]);
    expect(await supportPosts()).toContain(`POST /agents/demandes/${id}/accepter`);
  });

  it("saves the town's settings, which only its admins could before", async () => {
    const res = await town.post("/agents/parametres/autorisations", { consents: "Droit à l'image" });
    expect(res.status).toBe(303);
    const cfg = await p.owner
      .selectFrom("tenants")
      .select("config")
      .where("id", "=", tenant.id)
      .executeTakeFirstOrThrow();
    expect(
      (cfg.config as { householdFile: { consents: { label: string }[] } }).householdFile.consents,
    ).toEqual([expect.objectContaining({ label: "Droit à l'image" })]);
    expect(await auditOf(tenant.id)).toEqual([
      { actor_id: operatorId, actor_kind: "operator", action: "settings_changed" },
    ]);
  });
  it("changes the team, shown to the town as done « par le support Parvis »", async () => {
    const res = await town.post("/agents/equipe", {
      first_name: "Inès",
      last_name: "Renfort",
      email: "ines.renfort@plombieres.test",
      role: "agent",
    });
    expect(res.status).toBe(303);
    expect(await (await town.get("/agents/equipe")).text()).toContain(
      "invitation de Inès RENFORT, par le support Parvis",
    );
  });

  it("records a payment at the desk, listed as the support's, not as a payment online", async () => {
    const invoice = await seedInvoice(p, "plombieres", "1001001818331", "enfance", [
      { label: "Accueil du mercredi", quantity: 1, unitCents: 1500, day: "2026-10-07" },
    ]);
    const res = await town.post(`/agents/facturation/factures/${invoice.id}/reglement`, {
      mode: "cheque",
      montant: "15,00",
      date: "2026-11-18",
      reference: "0004521",
    });
    expect(res.status).toBe(303);
    const paid = await p.owner
      .selectFrom("payments")
      .select("recorded_by")
      .where("invoice_id", "=", invoice.id)
      .executeTakeFirstOrThrow();
    expect(paid.recorded_by).toBe(operatorId);
    const html = await (await town.get(`/agents/facturation/factures/${invoice.id}`)).text();
    expect(html).toContain("Support Parvis (Opérateur Parvis)");
    expect(html).not.toContain("Paiement en ligne");
  });

  it("keeps the agents' own account pages closed: the support has no account in the town", async () => {
    for (const path of ["/agents/mot-de-passe", "/agents/compte/email", "/agents/compte/connexions"]) {
      const res = await town.get(path);
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain("l&#39;accès du support n&#39;en a pas dans la commune");
    }
    const post = await town.post("/agents/mot-de-passe", {
      current_password: "x",
      new_password: "Support-Parvis-2026",
      confirm_password: "Support-Parvis-2026",
    });
    expect(post.status).toBe(403);
    expect(await supportPosts()).toContain("POST /agents/mot-de-passe");
  });
});
