/**
 * « Pointage » (issue 4, item 13): the day's expected children with diet and allergies,
 * marks saved at once, a child who came unbooked (a place is taken: a full day refuses),
 * the canteen's CSV, the audited health read, and who may see it.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { idOf, staffBook, tenantOf } from "./planning-staff-fixture.ts";

const SENE = "sene.localhost:3000";
const DAY = "2027-01-11";
const FULL_DAY = "2027-01-12";

let p: TestPlatform;
let tenant: Tenant;
let householdId: string;
let serviceId: string;
let kids: { paul: string; emma: string };
let ip = 0;

async function login(host: string, identifier: string, base = "") {
  const c = client(p.app, host, { ip: `198.51.100.${++ip}` });
  expect((await c.login(identifier, DEMO_PASSWORD, base)).status).toBe(303);
  return c;
}

const bookDays = (childIds: string[], day: string) =>
  staffBook(p, tenant, householdId, "restauration-2026-2027", childIds, [day]);

beforeAll(async () => {
  p = await createTestPlatform();
  tenant = await tenantOf(p, "sene");
  householdId = await completeFile(p, "sene", "1001");
  const children = await p.owner
    .selectFrom("children")
    .select(["id", "first_name"])
    .where("household_id", "=", householdId)
    .execute();
  kids = {
    paul: children.find((c) => c.first_name === "Paul")?.id as string,
    emma: children.find((c) => c.first_name === "Emma-Rose")?.id as string,
  };
  await p.owner
    .updateTable("health_records")
    .set({ diet: "Sans porc", allergies_food: "arachides; kiwi", allergies_other: "=HYPERLINK()", pai: true })
    .where("child_id", "=", kids.paul)
    .execute();
  serviceId = await idOf(p, "services", tenant.id, "restauration");
  await bookDays([kids.paul, kids.emma], DAY);
}, 120_000);
afterAll(() => p?.close());

const listPath = (day = DAY) => `/agents/planning/pointage?service=${serviceId}&jour=${day}`;

describe("« Pointage » of a day", () => {
  it("lists the expected children with class, diet, allergies and PAI, and audits the read", async () => {
    const staff = await login(SENE, "agent@sene.test", "/agents");
    const before = await p.owner.selectFrom("audit_log").selectAll().where("action", "=", "read").execute();
    const res = await staff.get(listPath());
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Paul TEST");
    expect(html).toContain("Emma-Rose TEST");
    expect(html).toContain("Sans porc");
    expect(html).toContain("Alimentaires : arachides; kiwi");
    expect(html).toMatch(/<strong>2<\/strong> attendus/);
    expect(html).toContain("Enregistrer le pointage");
    const after = await p.owner.selectFrom("audit_log").selectAll().where("action", "=", "read").execute();
    expect(after.length).toBe(before.length + 1);
    const read = after.at(-1);
    expect(read?.entity).toBe("health_records");
    expect(read?.fields).toContain("diet");
    expect(JSON.stringify(read)).not.toContain("Sans porc");
    // Issue 16: each child's health information seen is logged for that child, without values.
    const seen = await p.owner
      .selectFrom("health_access_log")
      .select(["viewer_name", "what"])
      .where("what", "=", "pointage")
      .execute();
    expect(seen).toEqual([
      { viewer_name: "Yann AGENT", what: "pointage" },
      { viewer_name: "Yann AGENT", what: "pointage" },
    ]);
  });

  it("saves every mark at once and pre-fills them afterwards", async () => {
    const staff = await login(SENE, "agent@sene.test", "/agents");
    const html = await (await staff.get(listPath())).text();
    const shown = [...html.matchAll(/name="etat_([0-9a-f-]{36})" value="present"/g)].map((m) => m[1]);
    const bookingOf = async (childId: string) =>
      (
        await p.owner
          .selectFrom("bookings")
          .select("id")
          .where("child_id", "=", childId)
          .where("day", "=", DAY)
          .executeTakeFirstOrThrow()
      ).id;
    const ids = [await bookingOf(kids.paul), await bookingOf(kids.emma)];
    expect(shown.sort()).toEqual([...ids].sort());
    const form: Record<string, string> = { service: serviceId, jour: DAY };
    form[`etat_${ids[0]}`] = "present";
    form[`etat_${ids[1]}`] = "absent_billed";
    const res = await staff.post("/agents/planning/pointage", form);
    expect(res.status).toBe(303);
    const rows = await p.owner
      .selectFrom("bookings")
      .select(["id", "attendance", "attendance_by", "attendance_at"])
      .where("id", "in", ids)
      .execute();
    expect(rows.map((r) => r.attendance).sort()).toEqual(["absent_billed", "present"]);
    expect(rows.every((r) => r.attendance_by && r.attendance_at)).toBe(true);
    const page = await (await staff.get(res.headers.get("location") as string)).text();
    expect(page).toContain("Le pointage a été enregistré.");
    expect(page).toMatch(/<strong>1<\/strong> présent/);
    expect(page).toContain(`name="etat_${ids[1]}" value="absent_billed" checked`);
  });

  it("saves one row's mark in place for htmx (the row and its status only), the full form without it", async () => {
    const staff = await login(SENE, "agent@sene.test", "/agents");
    const booked = await p.owner
      .selectFrom("bookings")
      .select(["id", "attendance", "child_id"])
      .where("child_id", "in", [kids.emma, kids.paul])
      .where("day", "=", DAY)
      .execute();
    const of = (id: string) => booked.find((b) => b.child_id === id) as (typeof booked)[number];
    const [booking, other] = [of(kids.emma), of(kids.paul)];
    const form: Record<string, string> = { service: serviceId, jour: DAY, ligne: booking.id };
    form[`etat_${booking.id}`] = "absent_excused";
    form[`etat_${other.id}`] = other.attendance === "present" ? "absent_billed" : "present";
    const part = await staff.post("/agents/planning/pointage", form, {
      "HX-Request": "true",
      "HX-Request-Type": "partial",
    });
    expect(part.status).toBe(200);
    const html = await part.text();
    expect(html).not.toContain("<h1>");
    expect(html).toContain(`<tr id="pt-${booking.id}">`);
    expect(html).toContain(`name="etat_${booking.id}" value="absent_excused" checked`);
    expect(html).toContain("Pointage de Emma-Rose TEST enregistré : Absent excusé.");
    const saved = await p.owner
      .selectFrom("bookings")
      .select(["id", "attendance"])
      .where("id", "in", [booking.id, other.id])
      .execute();
    expect(saved.find((r) => r.id === booking.id)?.attendance).toBe("absent_excused");
    expect(saved.find((r) => r.id === other.id)?.attendance).toBe(other.attendance);
    form[`etat_${booking.id}`] = booking.attendance ?? "present";
    form[`etat_${other.id}`] = other.attendance ?? "present";
    const full = await staff.post("/agents/planning/pointage", form);
    expect(full.status).toBe(303);
    expect(full.headers.get("location")).toContain("ok=enregistre");
    const restored = await p.owner
      .selectFrom("bookings")
      .select("attendance")
      .where("id", "=", booking.id)
      .executeTakeFirstOrThrow();
    expect(restored.attendance).toBe(booking.attendance ?? "present");
  });

  it("pre-fills « Absent excusé » from an accepted absence", async () => {
    const day = "2027-01-15";
    const booked = await bookDays([kids.paul], day);
    const booking = await p.owner
      .selectFrom("bookings")
      .select("id")
      .where("dossier_id", "=", booked.dossierId)
      .executeTakeFirstOrThrow();
    await p.owner
      .insertInto("absences")
      .values({
        tenant_id: tenant.id,
        household_id: householdId,
        child_id: kids.paul,
        booking_id: booking.id,
        reason_key: "maladie",
        reason_label: "Maladie",
        medical: true,
        billed: false,
        status: "accepted",
      })
      .execute();
    const staff = await login(SENE, "agent@sene.test", "/agents");
    const html = await (await staff.get(listPath(day))).text();
    expect(html).toContain(`name="etat_${booking.id}" value="absent_excused" checked`);
    expect(html).toMatch(/<strong>1<\/strong> absent/);
  });

  it("refuses a forged mark or a booking of another day", async () => {
    const staff = await login(SENE, "agent@sene.test", "/agents");
    const forged = await staff.post("/agents/planning/pointage", {
      service: serviceId,
      jour: DAY,
      [`etat_${crypto.randomUUID()}`]: "present",
    });
    expect(forged.status).toBe(404);
    const html = await (await staff.get(listPath())).text();
    const id = html.match(/name="etat_([0-9a-f-]{36})"/)?.[1] as string;
    const bad = await staff.post("/agents/planning/pointage", {
      service: serviceId,
      jour: DAY,
      [`etat_${id}`]: "malade",
    });
    expect(bad.status).toBe(404);
  });
});

/** How many statements matching `pattern` the portal's pool sends while `run` goes on. */
async function statementsSent(pattern: RegExp, run: () => Promise<unknown>) {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let sent = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string })?.text;
    if (text && pattern.test(text)) sent++;
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    proto.query = original;
  }
  return sent;
}

describe("a whole day in set-based statements (issue 17)", () => {
  it("logs every child's health read and saves every mark in one statement each, not one per child", async () => {
    const day = "2027-01-18";
    await bookDays([kids.paul, kids.emma], day);
    const staff = await login(SENE, "agent@sene.test", "/agents");
    let html = "";
    const logged = await statementsSent(/insert into "health_access_log"/, async () => {
      html = await (await staff.get(listPath(day))).text();
    });
    expect(logged).toBe(1);
    const ids = [...html.matchAll(/name="etat_([0-9a-f-]{36})" value="present"/g)].map((m) => m[1] as string);
    expect(ids).toHaveLength(2);
    const form = {
      service: serviceId,
      jour: day,
      ...Object.fromEntries(ids.map((id) => [`etat_${id}`, "absent_excused"])),
    };
    const writes = await statementsSent(/^(update "bookings"|insert into "audit_log")/, async () => {
      expect((await staff.post("/agents/planning/pointage", form)).status).toBe(303);
    });
    expect(writes).toBe(2);
    const marked = await p.owner.selectFrom("bookings").select("attendance").where("id", "in", ids).execute();
    expect(marked.map((b) => b.attendance)).toEqual(["absent_excused", "absent_excused"]);
    const audited = await p.owner
      .selectFrom("audit_log")
      .select("entity_id")
      .where("action", "=", "attendance")
      .where("entity_id", "in", ids)
      .execute();
    expect(audited.map((a) => a.entity_id).sort()).toEqual([...ids].sort());
  });
});

describe("a child who came without a booking", () => {
  it("is found by name and added as an accepted, unbooked, present booking", async () => {
    const staff = await login(SENE, "agent@sene.test", "/agents");
    const day = "2027-01-14";
    const search = await (await staff.get(`${listPath(day)}&q=emma`)).text();
    expect(search).toContain("Emma-Rose TEST");
    const res = await staff.post("/agents/planning/pointage/ajouter", {
      service: serviceId,
      jour: day,
      enfant: kids.emma,
    });
    expect(res.status).toBe(303);
    const b = await p.owner
      .selectFrom("bookings")
      .selectAll()
      .where("child_id", "=", kids.emma)
      .where("day", "=", day)
      .executeTakeFirstOrThrow();
    expect([b.status, b.unbooked, b.attendance, b.holds_place]).toEqual(["accepted", true, "present", true]);
    const taken = await p.owner
      .selectFrom("occupancy")
      .select("taken")
      .where("day", "=", day)
      .executeTakeFirstOrThrow();
    expect(taken.taken).toBe(1);
    const again = await staff.post("/agents/planning/pointage/ajouter", {
      service: serviceId,
      jour: day,
      enfant: kids.emma,
    });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain("Emma-Rose TEST a déjà une réservation");
  });

  it("is refused with a French message when the day is full, and nothing is saved", async () => {
    await p.owner
      .updateTable("services")
      .set({ rules: JSON.stringify({ capacity: 1, noticeDays: 1, cutoff: "10:00" }) })
      .where("id", "=", serviceId)
      .execute();
    try {
      await bookDays([kids.paul], FULL_DAY);
      const staff = await login(SENE, "agent@sene.test", "/agents");
      const res = await staff.post("/agents/planning/pointage/ajouter", {
        service: serviceId,
        jour: FULL_DAY,
        enfant: kids.emma,
      });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain("Complet le mardi 12 janvier 2027");
      const emma = await p.owner
        .selectFrom("bookings")
        .select("id")
        .where("child_id", "=", kids.emma)
        .where("day", "=", FULL_DAY)
        .execute();
      expect(emma).toHaveLength(0);
      const taken = await p.owner
        .selectFrom("occupancy")
        .select("taken")
        .where("day", "=", FULL_DAY)
        .executeTakeFirstOrThrow();
      expect(taken.taken).toBe(1);
    } finally {
      await p.owner
        .updateTable("services")
        .set({ rules: JSON.stringify({ capacity: 400, noticeDays: 1, cutoff: "10:00" }) })
        .where("id", "=", serviceId)
        .execute();
    }
  });

  it("is refused on a day the service is closed", async () => {
    const staff = await login(SENE, "agent@sene.test", "/agents");
    const res = await staff.post("/agents/planning/pointage/ajouter", {
      service: serviceId,
      jour: "2027-01-13",
      enfant: kids.emma,
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Le service ne fonctionne pas le mercredi 13 janvier 2027");
  });
});

describe("the canteen's CSV", () => {
  it("has one escaped line per child and the count of meals per diet", async () => {
    const staff = await login(SENE, "agent@sene.test", "/agents");
    const res = await staff.get(`/agents/planning/pointage.csv?service=${serviceId}&jour=${DAY}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="pointage-restauration-${DAY}.csv"`,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder()
      .decode(bytes)
      .replace(/^\uFEFF/, "")
      .split("\r\n");
    expect(lines[0]).toBe("Nom;Prénom;Classe;Régime alimentaire;Allergies;PAI;État");
    expect(lines).toContain("TEST;Emma-Rose;CE1;;;Non;Absent facturé");
    expect(lines).toContain(
      'TEST;Paul;CM1;Sans porc;"Alimentaires : arachides; kiwi / Autres : =HYPERLINK()";Oui;Présent',
    );
    expect(lines).toContain("Total des repas;1");
    expect(lines).toContain("Régime : Sans porc;1");
    // Issue 16: the export is a read of each listed child's health information, logged per child.
    const exported = await p.owner
      .selectFrom("health_access_log")
      .select(["child_id", "what"])
      .where("what", "=", "export")
      .execute();
    expect(exported.map((r) => r.child_id).sort()).toEqual([kids.paul, kids.emma].sort());
  });

  it("neutralises a formula at the start of a cell", async () => {
    await p.owner
      .updateTable("health_records")
      .set({ diet: "=1+1" })
      .where("child_id", "=", kids.paul)
      .execute();
    const staff = await login(SENE, "agent@sene.test", "/agents");
    const text = await (
      await staff.get(`/agents/planning/pointage.csv?service=${serviceId}&jour=${DAY}`)
    ).text();
    expect(text).toContain("TEST;Paul;CM1;'=1+1;");
    expect(text).toContain("Régime : =1+1;1");
    await p.owner
      .updateTable("health_records")
      .set({ diet: "Sans porc" })
      .where("child_id", "=", kids.paul)
      .execute();
  });
});

describe("who may take attendance", () => {
  it("is linked from the staff's home; parents get 403, another town's service 404", async () => {
    const agent = await login(SENE, "agent@sene.test", "/agents");
    const home = await (await agent.get("/agents")).text();
    expect(home).toContain('href="/agents/planning/pointage"');
    expect(home).not.toContain('href="/agents/planning/offre"');
    const admin = await login(SENE, "admin@sene.test", "/agents");
    expect(await (await admin.get("/agents")).text()).toContain('href="/agents/planning/offre"');
    const parent = await login(SENE, "lola.test@sene.test");
    expect((await parent.get(listPath())).status).toBe(403);
    expect((await parent.get(`/agents/planning/pointage.csv?service=${serviceId}&jour=${DAY}`)).status).toBe(
      403,
    );
    const other = await login("plombieres.localhost:3000", "admin@plombieres.test", "/agents");
    expect((await other.get(listPath())).status).toBe(404);
    expect((await other.get(`/agents/planning/pointage.csv?service=${serviceId}&jour=${DAY}`)).status).toBe(
      404,
    );
    expect((await other.get("/agents/planning/pointage?jour=2027-02-30")).status).toBe(404);
    const res = await other.get("/agents/planning/pointage");
    expect(res.status).toBe(200);
  });
});
