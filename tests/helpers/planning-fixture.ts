/**
 * Planning tests: a demo household whose file is complete (what booking requires), done
 * through the owner connection as if the family had filled it in.
 */
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { type Tenant, tenantFromRow } from "../../src/tenancy/resolve.ts";
import type { TestDatabase } from "./db.ts";

/** School levels of the demo children in 2026-2027. */
const LEVELS: Record<string, string> = { Paul: "CM1", "Emma-Rose": "CE1", Lucas: "CM2", "Enfant 1": "GS" };

export async function completeFile(t: TestDatabase, slug: string, householdNumber: string): Promise<string> {
  const o = t.owner;
  const tenant = await o
    .selectFrom("tenants")
    .select(["id", "config"])
    .where("slug", "=", slug)
    .executeTakeFirstOrThrow();
  const h = await o
    .selectFrom("households")
    .select("id")
    .where("tenant_id", "=", tenant.id)
    .where("number", "=", householdNumber)
    .executeTakeFirstOrThrow();
  await o
    .updateTable("households")
    .set({
      caf_regime: "CAF",
      caf_number: "1234567",
      address_line: "1 place de la Mairie",
      postal_code: "21000",
      city: "DIJON",
    })
    .where("id", "=", h.id)
    .execute();
  await o
    .updateTable("guardians")
    .set({
      birth_date: "1985-04-02",
      phone_mobile: "06 12 34 56 78",
      phone_home: "03 80 12 34 56",
      profession: "Infirmière",
      employer: "CHU",
    })
    .where("household_id", "=", h.id)
    .execute();
  const children = await o
    .selectFrom("children")
    .select(["id", "first_name"])
    .where("household_id", "=", h.id)
    .execute();
  for (const c of children) {
    await o
      .updateTable("children")
      .set({ school: "École du Centre", class_level: LEVELS[c.first_name] ?? "CP" })
      .where("id", "=", c.id)
      .execute();
    await o
      .insertInto("health_records")
      .values({
        tenant_id: tenant.id,
        child_id: c.id,
        household_id: h.id,
        doctor_name: "Dr Martin",
        doctor_phone: "03 80 00 00 00",
      })
      .onConflict((oc) =>
        oc
          .columns(["tenant_id", "child_id"])
          .doUpdateSet({ doctor_name: "Dr Martin", doctor_phone: "03 80 00 00 00" }),
      )
      .execute();
  }
  await addMandatoryDocuments(t, tenant.id, tenant.config as TownDocuments, h.id, children);
  return h.id;
}

interface TownDocuments {
  householdFile: {
    mandatory: { documents: string[] };
    documents: { types: { key: string; scope: string }[] };
  };
}

async function addMandatoryDocuments(
  t: TestDatabase,
  tenantId: string,
  cfg: TownDocuments,
  householdId: string,
  children: { id: string }[],
) {
  const user = await t.owner
    .selectFrom("users")
    .select("id")
    .where("household_id", "=", householdId)
    .executeTakeFirstOrThrow();
  const content = Buffer.from("%PDF-1.4 justificatif");
  for (const key of cfg.householdFile.mandatory.documents) {
    const type = cfg.householdFile.documents.types.find((x) => x.key === key);
    for (const childId of type?.scope === "child" ? children.map((c) => c.id) : [null]) {
      await t.owner
        .insertInto("documents")
        .values({
          tenant_id: tenantId,
          household_id: householdId,
          child_id: childId,
          type: key,
          filename: `${key}.pdf`,
          mime: "application/pdf",
          size: content.length,
          sha256: createHash("sha256").update(content).digest("hex"),
          content,
          state: "validated",
          uploaded_by: user.id,
        })
        .execute();
    }
  }
}

/** A town as the services see it (the resolver's shape), read through the owner. */
export async function townOf(t: TestDatabase, slug: string): Promise<Tenant> {
  const row = await t.owner
    .selectFrom("tenants")
    .select(["id", "slug", "name", "status", "config", "logo_svg"])
    .where("slug", "=", slug)
    .executeTakeFirstOrThrow();
  return tenantFromRow(row);
}

/**
 * Makes a town's periods paid afterwards (rules.payment "invoiced"): for planning tests of
 * booking rules on Séné's MERCREDIS, which are otherwise paid at booking (« Mon panier »,
 * tests/integration/billing-basket.test.ts) and wait unpaid until then.
 */
export async function payAfterwards(t: TestDatabase, slug: string): Promise<void> {
  await t.owner
    .updateTable("periods")
    .set({ rules: sql`rules || '{"payment": "invoiced"}'::jsonb` })
    .where("tenant_id", "=", (eb) => eb.selectFrom("tenants").select("id").where("slug", "=", slug))
    .execute();
}
