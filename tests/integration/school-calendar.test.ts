import { readFileSync } from "node:fs";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as calendar20272028 from "../../migrations/2026-12-06T1711_school-calendar-2027-2028.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { parseCalendarCsv, SNAPSHOT, schoolHoliday } from "../../src/lib/school-holidays.ts";
import { client } from "../helpers/client.ts";
import { signInOperator } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// The school calendar as data (issue 11 item 7): the shipped snapshot of the Ministry's
// calendar, a warning a year before a zone's calendar runs out, the operators' import.

let p: TestPlatform;
let op: ReturnType<typeof client>;
beforeAll(async () => {
  p = await createTestPlatform();
  p.setNow(new Date("2027-12-06T10:00:00Z"));
  op = client(p.app, "admin.localhost:3000");
  await signInOperator(p, op);
}, 120_000);
afterAll(async () => {
  await p?.close();
});

/** Posts a file to the import form, as the browser's multipart form would. */
function upload(name: string, content: string, zone: string) {
  const form = new FormData();
  form.set("fichier", new File([content], name));
  form.set("zone", zone);
  return p.app.request("http://127.0.0.1/calendrier-scolaire", {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: {
      Host: "admin.localhost:3000",
      Origin: "http://admin.localhost:3000",
      Cookie: [...op.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    },
  });
}

// A zone's ICS for a year after the snapshot (dates for the test, not the Ministry's).
const ICS_2028 = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "BEGIN:VEVENT",
  "DTSTART;VALUE=DATE:20281021",
  "DTEND;VALUE=DATE:20281106",
  "SUMMARY:Vacances de la Toussaint",
  "END:VEVENT",
  "BEGIN:VEVENT",
  "DTSTART;VALUE=DATE:20281223",
  "DTEND;VALUE=DATE:20290108",
  "SUMMARY:Vacances de Noël",
  "END:VEVENT",
  "END:VCALENDAR",
].join("\r\n");

describe("the school calendar", () => {
  it("ships the Ministry's snapshot: zones A, B and C, holidays between the last class and the morning classes resume", () => {
    const rows = parseCalendarCsv(readFileSync(SNAPSHOT, "utf8"));
    expect(new Set(rows.map((r) => r.zone))).toEqual(new Set(["A", "B", "C"]));
    expect(schoolHoliday("2027-02-24", "A")).toBe("Vacances d'Hiver");
    expect(schoolHoliday("2027-02-24", "C")).toBeNull();
    expect(schoolHoliday("2026-11-02", "B")).toBeNull();
  });

  it("knows 2027-2028 in zones A, B and C (arrêté of the 2027-2028 calendar)", () => {
    for (const zone of ["A", "B", "C"]) {
      expect(schoolHoliday("2027-10-25", zone)).toBe("Vacances de la Toussaint");
      expect(schoolHoliday("2027-11-08", zone)).toBeNull();
      expect(schoolHoliday("2027-12-24", zone)).toBe("Vacances de Noël");
      expect(schoolHoliday("2028-05-26", zone)).toBe("Pont de l'Ascension");
      expect(schoolHoliday("2028-07-04", zone)).toBeNull();
      expect(schoolHoliday("2028-07-05", zone)).toBe("Vacances d'Été");
    }
    expect(["A", "B", "C"].map((z) => schoolHoliday("2028-02-22", z))).toEqual([
      "Vacances d'Hiver",
      null,
      "Vacances d'Hiver",
    ]);
    // 1 and 8 May 2028 are Mondays: classes resume on the Tuesday in zones C and A.
    expect(["A", "B", "C"].map((z) => schoolHoliday("2028-05-01", z))).toEqual([
      "Vacances de Printemps",
      null,
      "Vacances de Printemps",
    ]);
    expect(["A", "B", "C"].map((z) => schoolHoliday("2028-05-08", z))).toEqual([
      "Vacances de Printemps",
      null,
      null,
    ]);
  });

  it("adds 2027-2028 to a database seeded before it, leaving a zone imported since as it is", async () => {
    const count = async (zone: string) =>
      (
        await p.owner
          .selectFrom("school_holidays")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("zone", "=", zone)
          .where("school_year", "=", "2027-2028")
          .executeTakeFirstOrThrow()
      ).n;
    expect([await count("A"), await count("B")]).toEqual(["6", "6"]);
    await p.owner.deleteFrom("school_holidays").where("school_year", "=", "2027-2028").execute();
    await sql`insert into school_holidays (zone, label, start_on, end_on, school_year)
      values ('B', 'Vacances de la Toussaint', '2027-10-23', '2027-11-08', '2027-2028')`.execute(p.owner);
    const migrate = () => calendar20272028.up(p.owner as unknown as Kysely<unknown>);
    await migrate();
    await migrate();
    expect([await count("A"), await count("B"), await count("C")]).toEqual(["6", "1", "6"]);
    await p.owner
      .deleteFrom("school_holidays")
      .where("zone", "=", "B")
      .where("school_year", "=", "2027-2028")
      .execute();
    await migrate();
    expect(await count("B")).toBe("6");
  });

  it("warns operators and the town's admins a year before a zone's calendar ends", async () => {
    const page = await (await op.get("/calendrier-scolaire")).text();
    expect(page).toContain("Le calendrier de la zone A s'arrête le 01/09/2028");
    expect((await op.get("/")).status).toBe(200);
    const admin = client(p.app, "sene.localhost:3000");
    expect((await admin.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect(await (await admin.get("/agents")).text()).toContain(
      "Le calendrier scolaire de la zone B s'arrête le 01/09/2028",
    );
    const agent = client(p.app, "sene.localhost:3000");
    expect((await agent.login("agent@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect(await (await agent.get("/agents")).text()).not.toContain("Le calendrier scolaire de la zone");
  });

  it("imports a zone's ICS: the planning knows the new holidays, the warning for that zone is gone", async () => {
    expect(schoolHoliday("2028-10-25", "A")).toBeNull();
    const bad = await upload("notes.txt", "rien à voir", "A");
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('aria-describedby="f-fichier-error"');
    const res = await upload("Zone-A.ics", ICS_2028, "A");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/calendrier-scolaire?importe=2");
    expect(schoolHoliday("2028-10-25", "A")).toBe("Vacances de la Toussaint");
    const rows = await p.owner.selectFrom("school_holidays").selectAll().where("zone", "=", "A").execute();
    expect(rows.some((r) => r.start_on === "2028-12-23" && r.school_year === "2028-2029")).toBe(true);
    const page = await (await op.get("/calendrier-scolaire?importe=2")).text();
    expect(page).toContain("2 période(s) de vacances importée(s).");
    expect(page).not.toContain("Le calendrier de la zone A s'arrête");
    expect(page).toContain("Le calendrier de la zone B s'arrête le 01/09/2028");
  });

  it("is not reachable without an operator's session", async () => {
    const anonymous = client(p.app, "admin.localhost:3000");
    expect((await anonymous.get("/calendrier-scolaire")).status).toBe(303);
  });
});
