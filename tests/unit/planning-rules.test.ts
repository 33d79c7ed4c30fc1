/**
 * The pure booking rules (src/features/planning/booking/rules.ts, shared/recopy.ts) with a fixed clock:
 * every instant below is given in UTC with its Paris wall-clock time alongside.
 */
import { describe, expect, it } from "vitest";
import {
  bookingCheck,
  cancelCheck,
  closedOn,
  ineligibility,
} from "../../src/features/planning/booking/rules.ts";
import { recopy } from "../../src/features/planning/common/recopy.ts";
import type { Period } from "../../src/features/planning/offer/period-service.ts";
import { DEFAULT_RULES } from "../../src/tenancy/planning-schema.ts";

function period(overrides: Partial<Period> = {}): Period {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    key: "mercredis-2026-2027",
    name: "Mercredis 2026-2027",
    category: null,
    startsOn: "2026-09-01",
    endsOn: "2027-12-31",
    weekdays: [1, 2, 3, 4, 5],
    closures: [],
    schoolDaysOnly: false,
    bookingOpensOn: null,
    bookingClosesOn: null,
    rules: { ...DEFAULT_RULES },
    service: { id: "s", key: "alsh", name: "ALSH", unit: "day", eligibility: {} },
    facility: { id: "f", key: "alsh", name: "ALSH" },
    ...overrides,
  };
}

const zone = "B" as const;
const check = (p: Period, day: string, now: string) => bookingCheck(p, day, new Date(now), zone);

describe("booking cut-off (2 working days, 09:00 Paris)", () => {
  it("accepts at 08:59 and refuses from 09:00, Paris time, in winter", () => {
    // Thursday 10 December 2026: book before Tuesday 8 December 09:00 (= 08:00Z).
    expect(check(period(), "2026-12-10", "2026-12-08T07:59:00Z")).toEqual({ ok: true });
    const late = check(period(), "2026-12-10", "2026-12-08T08:00:00Z");
    expect(late).toMatchObject({ ok: false, code: "too_late" });
    expect(late.ok || late.label).toBe("Trop tard : il fallait réserver avant le 08/12/2026 09:00");
  });

  it("applies the cut-off at 07:00Z in summer", () => {
    // Thursday 1 April 2027: before Tuesday 30 March 09:00 Paris (summer time since the 28th).
    expect(check(period(), "2027-04-01", "2027-03-30T06:59:00Z")).toEqual({ ok: true });
    expect(check(period(), "2027-04-01", "2027-03-30T07:00:00Z")).toMatchObject({ code: "too_late" });
  });

  it("counts working days across a weekend and Ascension", () => {
    // Monday 7 December 2026: Thursday 3 December 09:00 is the limit.
    expect(check(period(), "2026-12-07", "2026-12-03T07:59:00Z")).toEqual({ ok: true });
    expect(check(period(), "2026-12-07", "2026-12-03T08:00:00Z")).toMatchObject({ code: "too_late" });
    // Friday 7 May 2027: Ascension (Thu 6) is not a working day, so Tuesday 4 May 09:00.
    expect(check(period(), "2027-05-07", "2027-05-04T06:59:00Z")).toEqual({ ok: true });
    expect(check(period(), "2027-05-07", "2027-05-04T07:00:00Z")).toMatchObject({ code: "too_late" });
  });

  it("uses the period's own notice and cut-off", () => {
    const p = period({ rules: { ...DEFAULT_RULES, noticeDays: 1, cutoff: "18:00" } });
    // Tuesday 18 May 2027: Monday 17 is lundi de Pentecôte, so Friday 14 May 18:00 (16:00Z).
    expect(check(p, "2027-05-18", "2027-05-14T15:59:00Z")).toEqual({ ok: true });
    expect(check(p, "2027-05-18", "2027-05-14T16:00:00Z")).toMatchObject({ code: "too_late" });
  });
});

describe("booking window", () => {
  it("opens on bookingOpensOn at midnight Paris", () => {
    const p = period({ bookingOpensOn: "2027-03-01" });
    const shut = check(p, "2027-03-17", "2027-02-28T22:59:00Z");
    expect(shut).toMatchObject({ ok: false, code: "not_open" });
    expect(shut.ok || shut.label).toBe("Réservations ouvertes à partir du 01/03/2027");
    expect(check(p, "2027-03-17", "2027-02-28T23:00:00Z")).toEqual({ ok: true });
  });

  it("closes after bookingClosesOn, at midnight Paris", () => {
    const p = period({ bookingClosesOn: "2027-04-04" });
    expect(check(p, "2027-04-14", "2027-04-04T21:59:00Z")).toEqual({ ok: true });
    const closed = check(p, "2027-04-14", "2027-04-04T22:00:00Z");
    expect(closed).toMatchObject({ ok: false, code: "window_closed" });
    expect(closed.ok || closed.label).toBe("Réservations closes depuis le 04/04/2027");
  });
});

describe("closedOn", () => {
  it("names a day outside the period, a public holiday, a closure and a closed weekday", () => {
    const p = period({
      startsOn: "2027-01-04",
      endsOn: "2027-06-30",
      weekdays: [1, 2, 4, 5],
      closures: [{ from: "2027-05-12", to: "2027-05-14", label: "Fermeture pour travaux" }],
    });
    expect(closedOn(p, "2027-01-01", zone)).toEqual({ code: "outside", label: "Hors période" });
    expect(closedOn(p, "2027-07-01", zone)?.code).toBe("outside");
    expect(closedOn(p, "2027-05-17", zone)).toEqual({ code: "holiday", label: "Férié" });
    expect(closedOn(p, "2027-05-06", zone)).toEqual({ code: "holiday", label: "Férié" });
    expect(closedOn(p, "2027-05-13", zone)).toEqual({ code: "closure", label: "Fermeture pour travaux" });
    expect(closedOn(p, "2027-05-12", zone)).toEqual({ code: "closure", label: "Fermeture pour travaux" });
    expect(closedOn(p, "2027-05-19", zone)).toEqual({ code: "weekday", label: "Fermé" });
    expect(closedOn(p, "2027-05-22", zone)?.code).toBe("weekday");
    expect(closedOn(p, "2027-05-18", zone)).toBeNull();
  });

  it("closes school-day periods during each zone's own holidays", () => {
    const p = period({ weekdays: [3], schoolDaysOnly: true });
    // Winter 2027: A 14-28 Feb, B 21 Feb-7 Mar, C 7-21 Feb (Wednesdays below).
    const expected: Record<string, ("A" | "B" | "C")[]> = {
      "2027-02-10": ["C"],
      "2027-02-17": ["A", "C"],
      "2027-02-24": ["A", "B"],
      "2027-03-03": ["B"],
      "2027-03-10": [],
    };
    for (const [day, closedZones] of Object.entries(expected))
      for (const z of ["A", "B", "C"] as const)
        expect(closedOn(p, day, z), `${day} zone ${z}`).toEqual(
          closedZones.includes(z) ? { code: "school_holiday", label: "Vacances scolaires" } : null,
        );
    const holidays = period({ weekdays: [3], schoolDaysOnly: false });
    expect(closedOn(holidays, "2027-02-17", "A")).toBeNull();
  });

  it("makes a closed day unbookable whatever the time", () => {
    expect(check(period(), "2027-05-17", "2027-01-01T08:00:00Z")).toMatchObject({ code: "holiday" });
  });
});

describe("cancelCheck", () => {
  const refused = period();
  const billed = period({ rules: { ...DEFAULT_RULES, lateCancellation: "billed" } });

  it("is free before the limit, then refused or billed per the town's rule", () => {
    // Thursday 10 December 2026: free until Tuesday 8 December 09:00 Paris.
    expect(cancelCheck(refused, "2026-12-10", new Date("2026-12-08T07:59:00Z"))).toEqual({ kind: "free" });
    expect(cancelCheck(refused, "2026-12-10", new Date("2026-12-08T08:00:00Z"))).toEqual({
      kind: "refused",
      label: "Annulation impossible : la limite était le 08/12/2026 09:00. Contactez le service.",
    });
    expect(cancelCheck(billed, "2026-12-10", new Date("2026-12-08T08:00:00Z"))).toEqual({
      kind: "late_billed",
      limit: new Date("2026-12-08T08:00:00Z"),
    });
  });

  it("uses the cancellation notice, not the booking one", () => {
    const p = period({ rules: { ...DEFAULT_RULES, cancelNoticeDays: 1, cancelCutoff: "10:00" } });
    expect(cancelCheck(p, "2026-12-10", new Date("2026-12-09T08:59:00Z"))).toEqual({ kind: "free" });
    expect(cancelCheck(p, "2026-12-10", new Date("2026-12-09T09:00:00Z")).kind).toBe("refused");
  });

  it("refuses a past day even where late cancellations are billed", () => {
    // 00:30 Paris on 11 December is already the next day.
    expect(cancelCheck(billed, "2026-12-10", new Date("2026-12-10T23:30:00Z"))).toEqual({
      kind: "refused",
      label: "Ce jour est passé : il ne peut plus être annulé.",
    });
  });
});

describe("ineligibility", () => {
  const ages = period({
    service: { id: "s", key: "alsh", name: "ALSH", unit: "day", eligibility: { minAge: 3, maxAge: 12 } },
  });
  const levels = period({
    service: { id: "s", key: "m", name: "MERCREDIS", unit: "day", eligibility: { levels: ["CP", "CE1"] } },
  });

  it("checks the age on the day itself", () => {
    const young = { birth_date: "2024-06-15", class_level: null };
    expect(ineligibility(young, ages, "2027-06-14")).toBe("Réservé aux enfants de 3 ans et plus");
    expect(ineligibility(young, ages, "2027-06-15")).toBeNull();
    const old = { birth_date: "2014-05-01", class_level: "CM2" };
    expect(ineligibility(old, ages, "2027-04-30")).toBeNull();
    expect(ineligibility(old, ages, "2027-05-01")).toBe("Réservé aux enfants de 12 ans au plus");
  });

  it("checks the school level, whatever its case", () => {
    expect(ineligibility({ birth_date: "2020-01-01", class_level: "GS" }, levels, "2027-01-06")).toBe(
      "Réservé aux classes CP, CE1",
    );
    expect(ineligibility({ birth_date: "2020-01-01", class_level: null }, levels, "2027-01-06")).toBe(
      "Réservé aux classes CP, CE1",
    );
    expect(ineligibility({ birth_date: "2020-01-01", class_level: "ce1" }, levels, "2027-01-06")).toBeNull();
    expect(ineligibility({ birth_date: "2020-01-01", class_level: "GS" }, period(), "2027-01-06")).toBeNull();
  });
});

describe("recopy (mode recopie)", () => {
  it("repeats the chosen weekdays from date to date, keeping only usable days", () => {
    const all = () => true;
    expect(recopy("2027-01-04", "2027-01-31", [3], all)).toEqual([
      "2027-01-06",
      "2027-01-13",
      "2027-01-20",
      "2027-01-27",
    ]);
    expect(recopy("2027-01-04", "2027-01-10", [1, 5], all)).toEqual(["2027-01-04", "2027-01-08"]);
    const p = period({ weekdays: [3], schoolDaysOnly: true });
    const open = (d: string) => closedOn(p, d, "A") === null;
    expect(recopy("2027-02-01", "2027-03-10", [3], open)).toEqual([
      "2027-02-03",
      "2027-02-10",
      "2027-03-03",
      "2027-03-10",
    ]);
  });

  it("returns nothing for a forged or reversed range", () => {
    expect(recopy("2027-02-30", "2027-03-10", [3], () => true)).toEqual([]);
    expect(recopy("2027-03-10", "2027-03-01", [3], () => true)).toEqual([]);
    expect(recopy("2027-03-01", "2027-03-10", [], () => true)).toEqual([]);
  });
});
