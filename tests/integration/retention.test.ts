/**
 * Issue 16, item 15: the nightly retention job deletes journal rows past their time and erases
 * the file of a household inactive for three years, and nothing else; every erasure audited.
 * The admins' advance notice goes once per household and due date; health records of children
 * with nothing in the coming school year go once the year is over; durations are the town's.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { createRetentionJob } from "../../src/features/my-data/retention-job.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { seneParents, tenantOf } from "../helpers/auth-fixture.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const DAY_MS = 86_400_000;

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

const newParent = seneParents({
  emailPrefix: "retention",
  numberBase: 17_400,
  label: "RETENTION",
  firstName: "Rita",
  civility: "Mme",
});

const ago = (days: number) => new Date(Date.now() - days * DAY_MS);

/** A parent who logged in once, then (for the owner connection) everything of theirs moved back in time. */
async function parentLastSeen(daysAgo: number) {
  const parent = await newParent(p);
  const c = client(p.app, SENE, { ip: "203.0.113.150" });
  expect((await c.login(parent.email, parent.password)).status).toBe(303);
  const { household_id } = await p.owner
    .selectFrom("users")
    .select("household_id")
    .where("id", "=", parent.id)
    .executeTakeFirstOrThrow();
  const householdId = household_id as string;
  const then = ago(daysAgo);
  const old = ago(4 * 365);
  await p.owner
    .updateTable("households")
    .set({ created_at: old, updated_at: old })
    .where("id", "=", householdId)
    .execute();
  await p.owner.updateTable("users").set({ created_at: old }).where("id", "=", parent.id).execute();
  await p.owner
    .updateTable("sessions")
    .set({ last_seen_at: then })
    .where("user_id", "=", parent.id)
    .execute();
  await p.owner
    .updateTable("known_devices")
    .set({ last_seen_at: then })
    .where("user_id", "=", parent.id)
    .execute();
  return { ...parent, householdId };
}

async function childWithHealth(householdId: string, updatedAt = new Date()) {
  const tenantId = tenantOf(p, "sene");
  const child = await p.owner
    .insertInto("children")
    .values({
      tenant_id: tenantId,
      household_id: householdId,
      first_name: "Rémi",
      last_name: "RETENTION",
      birth_date: "2018-03-04",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await p.owner
    .insertInto("health_records")
    .values({
      tenant_id: tenantId,
      household_id: householdId,
      child_id: child.id,
      allergies_food: "arachide",
      updated_at: updatedAt,
    })
    .execute();
  return child.id;
}

async function journalRow(days: number) {
  const tenantId = tenantOf(p, "sene");
  const row = await p.owner
    .insertInto("auth_events")
    .values({
      tenant_id: tenantId,
      user_id: null,
      event: "login_failed",
      ip: `192.0.2.${days % 250}`,
      at: ago(days),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const exists = async (id: string) =>
  !!(await p.owner.selectFrom("auth_events").select("id").where("id", "=", id).executeTakeFirst());

let soon: Awaited<ReturnType<typeof parentLastSeen>>;

describe("retention (apply_retention)", () => {
  it("runs from the queue: erases the inactive household and old journal rows, and only those", async () => {
    const gone = await parentLastSeen(3 * 365 + 10);
    const goneChild = await childWithHealth(gone.householdId);
    const kept = await parentLastSeen(3 * 365 - 10);
    await childWithHealth(kept.householdId);
    soon = await parentLastSeen(3 * 365 - 29.5);
    const oldEvent = await journalRow(366);
    const recentEvent = await journalRow(364);

    const since = lastId(p.mailbox);
    await sql`select graphile_worker.add_job('apply_retention')`.execute(p.owner);
    const erased = async () =>
      (
        await p.owner
          .selectFrom("households")
          .select("erased_at")
          .where("id", "=", gone.householdId)
          .executeTakeFirstOrThrow()
      ).erased_at;
    await expect.poll(erased, { timeout: 20_000, interval: 100 }).not.toBeNull();

    // The admins hear, 30 days ahead, of the household about to cross the line, and only of it.
    const notice = await p.mailbox.waitFor("admin@sene.test", { since });
    expect(notice.subject).toMatch(/^Dossiers de foyers inactifs effacés le /);
    const numberOf = async (householdId: string) =>
      (
        await p.owner
          .selectFrom("households")
          .select("number")
          .where("id", "=", householdId)
          .executeTakeFirstOrThrow()
      ).number;
    expect(notice.text).toContain(`N° Famille ${await numberOf(soon.householdId)}`);
    expect(notice.text).not.toContain(`N° Famille ${await numberOf(kept.householdId)}`);
    expect(notice.text).not.toContain(`N° Famille ${await numberOf(gone.householdId)}`);

    expect(await exists(oldEvent)).toBe(false);
    expect(await exists(recentEvent)).toBe(true);
    const erasedHouseholds = await p.owner
      .selectFrom("households")
      .select("id")
      .where("erased_at", "is not", null)
      .execute();
    expect(erasedHouseholds.map((h) => h.id)).toEqual([gone.householdId]);

    const user = await p.owner
      .selectFrom("users")
      .selectAll()
      .where("id", "=", gone.id)
      .executeTakeFirstOrThrow();
    expect([user.email, user.password_hash]).toEqual([null, null]);
    expect(user.login).toBe(`efface-${gone.id}`);
    expect(user.disabled_at).not.toBeNull();
    const health = await p.owner
      .selectFrom("health_records")
      .select("child_id")
      .where("household_id", "in", [gone.householdId, kept.householdId])
      .execute();
    expect(health.map((h) => h.child_id)).not.toContain(goneChild);
    expect(health).toHaveLength(1);
    const household = await p.owner
      .selectFrom("households")
      .selectAll()
      .where("id", "=", gone.householdId)
      .executeTakeFirstOrThrow();
    expect(household.name).toBe("Famille RETENTION 1");
    expect(household.iban).toBeNull();
    expect((await client(p.app, SENE).login(gone.email, gone.password)).status).toBe(401);
    expect((await client(p.app, SENE).login(kept.email, kept.password)).status).toBe(303);

    const audit = await p.owner
      .selectFrom("audit_log")
      .select(["action", "entity", "actor_kind", "household_id"])
      .where("action", "like", "retention_%")
      .orderBy("action")
      .execute();
    expect(audit).toEqual([
      {
        action: "retention_erased",
        entity: "households",
        actor_kind: "system",
        household_id: gone.householdId,
      },
      { action: "retention_purged", entity: "auth_events", actor_kind: "system", household_id: null },
    ]);
  });

  it("a second run the same day finds nothing more to erase or purge, and announces nothing again", async () => {
    const reports = await createRetentionJob(p.db, p.deps.log)(new Date());
    for (const r of reports) {
      expect(r.erasedHouseholds, r.town).toBe(0);
      expect(r.erasedHealthRecords, r.town).toBe(0);
      expect(r.purged.auth_events, r.town).toBe(0);
      expect(r.announced, r.town).toBe(0);
    }
    const notices = await p.owner
      .selectFrom("outbox")
      .select("id")
      .where("to_address", "=", "admin@sene.test")
      .where("subject", "like", "Dossiers de foyers inactifs%")
      .execute();
    expect(notices).toHaveLength(1);
    const recorded = await p.owner.selectFrom("retention_notices").select("household_id").execute();
    expect(recorded.map((r) => r.household_id)).toEqual([soon.householdId]);
  });

  it("erases, once the school year is over, the health records of children with nothing in the next", async () => {
    const family = await parentLastSeen(10);
    const lastJune = new Date("2026-06-30T10:00:00Z");
    const left = await childWithHealth(family.householdId, lastJune);
    const registered = await childWithHealth(family.householdId, lastJune);
    const updated = await childWithHealth(family.householdId);
    await p.owner
      .insertInto("school_requests")
      .values({
        tenant_id: tenantOf(p, "sene"),
        household_id: family.householdId,
        child_id: registered,
        school_year: "2026-2027",
        level: "CM1",
        school: "École Dolto",
      })
      .execute();
    const records = async () =>
      (
        await p.owner
          .selectFrom("health_records")
          .select("child_id")
          .where("household_id", "=", family.householdId)
          .orderBy("child_id")
          .execute()
      ).map((r) => r.child_id);
    const job = createRetentionJob(p.db, p.deps.log);

    // 31 August 2026: the 2025-2026 school year is not over yet.
    await job(new Date("2026-08-31T10:00:00Z"));
    expect(await records()).toEqual([left, registered, updated].sort());

    const sene = (await job(new Date("2026-12-06T10:00:00Z"))).find((r) => r.town === "sene");
    expect(sene?.erasedHealthRecords).toBe(1);
    expect(await records()).toEqual([registered, updated].sort());
    const audit = await p.owner
      .selectFrom("audit_log")
      .select(["action", "actor_kind"])
      .where("entity", "=", "health_records")
      .where("household_id", "=", family.householdId)
      .execute();
    expect(audit).toEqual([{ action: "retention_erased", actor_kind: "system" }]);
  });

  it("keeps each kind of data as long as the town set, within CNIL's bounds", async () => {
    const admin = client(p.app, SENE, { ip: "198.51.100.60" });
    expect((await admin.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const form = (months: string): [string, string][] => [
      ["keep_household_years", "3"],
      ["keep_journal_months", months],
      ["keep_audit_years", "3"],
    ];
    const refused = await admin.post("/agents/parametres/donnees", form("13"));
    expect(refused.status).toBe(422);
    const page = await refused.text();
    expect(page).toContain("Un nombre entier de 6 à 12 mois.");
    expect(page).toContain('value="13"');
    expect((await admin.post("/agents/parametres/donnees", form("6"))).status).toBe(303);

    const privacy = await (await client(p.app, SENE).get("/donnees-personnelles")).text();
    expect(privacy).toContain("fiche sanitaire : 6 mois");
    expect(privacy).toContain("année scolaire (31 août)");
    const older = await journalRow(200);
    const younger = await journalRow(170);
    await createRetentionJob(p.db, p.deps.log)(new Date());
    expect(await exists(older)).toBe(false);
    expect(await exists(younger)).toBe(true);
  });
});
