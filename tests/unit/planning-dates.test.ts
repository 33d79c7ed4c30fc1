/**
 * Calendar rules of docs/domain.md in Europe/Paris (src/lib/dates.ts): working days across a
 * weekend and public holidays, the cut-off hour as an instant, daylight-saving changes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  deadline,
  isWorkingDay,
  parisInstant,
  parisToday,
  publicHoliday,
  workingDaysBefore,
} from "../../src/lib/dates.ts";

describe("public holidays of 2027", () => {
  it("knows Easter Monday, Ascension and lundi de Pentecôte", () => {
    expect(publicHoliday("2027-03-29")).not.toBeNull();
    expect(publicHoliday("2027-05-06")).not.toBeNull();
    expect(publicHoliday("2027-05-17")).not.toBeNull();
    expect(publicHoliday("2027-11-01")).not.toBeNull();
    expect(publicHoliday("2027-05-05")).toBeNull();
    expect(isWorkingDay("2027-05-06")).toBe(false);
    expect(isWorkingDay("2027-05-07")).toBe(true);
    expect(isWorkingDay("2027-05-08")).toBe(false);
  });
});

describe("working days before a day", () => {
  it("skips the weekend", () => {
    // Monday 7 December 2026: Friday 4 (1), Thursday 3 (2).
    expect(workingDaysBefore("2026-12-07", 2)).toBe("2026-12-03");
    // Tuesday 8 December: Monday 7 (1), Friday 4 (2).
    expect(workingDaysBefore("2026-12-08", 2)).toBe("2026-12-04");
    expect(workingDaysBefore("2026-12-08", 0)).toBe("2026-12-08");
  });

  it("skips Ascension (Thursday 6 May 2027)", () => {
    // Friday 7 May: Thursday 6 is a holiday, Wednesday 5 (1), Tuesday 4 (2).
    expect(workingDaysBefore("2027-05-07", 2)).toBe("2027-05-04");
    expect(workingDaysBefore("2027-05-07", 1)).toBe("2027-05-05");
  });

  it("skips lundi de Pentecôte (Monday 17 May 2027)", () => {
    // Tuesday 18 May: Monday 17 holiday, weekend, Friday 14 (1), Thursday 13 (2).
    expect(workingDaysBefore("2027-05-18", 2)).toBe("2027-05-13");
    // Wednesday 19 May: Tuesday 18 (1), Monday 17 holiday, Friday 14 (2).
    expect(workingDaysBefore("2027-05-19", 2)).toBe("2027-05-14");
  });
});

describe("deadline: N working days before, at the cut-off hour in Paris", () => {
  it("is 09:00 Paris = 08:00Z in winter", () => {
    expect(deadline("2026-12-10", 2, "09:00").toISOString()).toBe("2026-12-08T08:00:00.000Z");
    expect(deadline("2026-12-07", 2, "12:00").toISOString()).toBe("2026-12-03T11:00:00.000Z");
  });

  it("asked again, is the same instant in a Date of its own", () => {
    const first = deadline("2026-12-17", 3, "10:30", "57");
    first.setUTCFullYear(1999);
    expect(deadline("2026-12-17", 3, "10:30", "57").toISOString()).toBe("2026-12-14T09:30:00.000Z");
    expect(deadline("2026-12-17", 3, "10:30").toISOString()).toBe("2026-12-14T09:30:00.000Z");
    // Good Friday is a public holiday in Moselle only: the region is part of what is kept.
    expect(deadline("2027-03-30", 2, "09:00").toISOString()).toBe("2027-03-25T08:00:00.000Z");
    expect(deadline("2027-03-30", 2, "09:00", "57").toISOString()).toBe("2027-03-24T08:00:00.000Z");
  });

  it("is 09:00 Paris = 07:00Z in summer, across Ascension", () => {
    expect(deadline("2027-05-07", 2, "09:00").toISOString()).toBe("2027-05-04T07:00:00.000Z");
  });

  it("follows the spring change (Sunday 28 March 2027) and Easter Monday", () => {
    // Tuesday 30 March: Monday 29 is Easter Monday, Friday 26 (1), Thursday 25 (2): winter.
    expect(deadline("2027-03-30", 2, "09:00").toISOString()).toBe("2027-03-25T08:00:00.000Z");
    // Wednesday 31 March: Tuesday 30 (1), Friday 26 (2): still winter time.
    expect(deadline("2027-03-31", 2, "09:00").toISOString()).toBe("2027-03-26T08:00:00.000Z");
    // Thursday 1 April: Wednesday 31 (1), Tuesday 30 (2): summer time.
    expect(deadline("2027-04-01", 2, "09:00").toISOString()).toBe("2027-03-30T07:00:00.000Z");
  });

  it("follows the autumn change (Sunday 31 October 2027) and Toussaint", () => {
    // Wednesday 3 November: Tuesday 2 (1), Monday 1 is Toussaint, Friday 29 October (2): summer.
    expect(deadline("2027-11-03", 2, "09:00").toISOString()).toBe("2027-10-29T07:00:00.000Z");
    // Thursday 4 November: Wednesday 3 (1), Tuesday 2 (2): winter.
    expect(deadline("2027-11-04", 2, "09:00").toISOString()).toBe("2027-11-02T08:00:00.000Z");
  });

  it("keeps the Paris calendar day around midnight and the clock changes", () => {
    expect(parisToday(new Date("2027-03-27T22:59:00Z"))).toBe("2027-03-27");
    expect(parisToday(new Date("2027-03-27T23:00:00Z"))).toBe("2027-03-28");
    expect(parisToday(new Date("2027-03-28T21:59:00Z"))).toBe("2027-03-28");
    expect(parisToday(new Date("2027-03-28T22:00:00Z"))).toBe("2027-03-29");
    expect(parisToday(new Date("2027-10-30T21:59:00Z"))).toBe("2027-10-30");
    expect(parisToday(new Date("2027-10-30T22:00:00Z"))).toBe("2027-10-31");
    expect(parisToday(new Date("2027-10-31T22:59:00Z"))).toBe("2027-10-31");
    expect(parisToday(new Date("2027-10-31T23:00:00Z"))).toBe("2027-11-01");
    expect(parisInstant("2027-03-28", "00:00").toISOString()).toBe("2027-03-27T23:00:00.000Z");
    expect(parisInstant("2027-03-29", "00:00").toISOString()).toBe("2027-03-28T22:00:00.000Z");
  });
});

describe("deadline properties", () => {
  const day = fc.integer({ min: 0, max: 365 * 8 }).map((n) => addDays("2024-01-01", n));
  const cutoff = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);

  it("is strictly before the start of the day in Paris, on a working day, for n ≥ 1", () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 15 }), cutoff, (d, n, c) => {
        const limit = deadline(d, n, c);
        expect(limit.getTime()).toBeLessThan(parisInstant(d, "00:00").getTime());
        expect(isWorkingDay(parisToday(limit))).toBe(true);
        expect(parisToday(limit)).toBe(workingDaysBefore(d, n));
      }),
      { numRuns: 500 },
    );
  });

  it("moves back as the notice grows", () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 14 }), cutoff, (d, n, c) => {
        expect(deadline(d, n + 1, c).getTime()).toBeLessThan(deadline(d, n, c).getTime());
      }),
      { numRuns: 300 },
    );
  });
});
