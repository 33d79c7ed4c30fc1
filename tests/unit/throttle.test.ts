import { describe, expect, it } from "vitest";
import { delaySeconds } from "../../src/auth/throttle.ts";

// The free failures of src/auth/throttle.ts: 5 per account+address pair, 30 per address.
const ACCOUNT = 5;
const IP = 30;

describe("delaySeconds: failed logins slow down, never lock for good", () => {
  it("lets the free failures through without any wait", () => {
    for (let n = 0; n < ACCOUNT; n++) expect(delaySeconds(n, ACCOUNT)).toBe(0);
    for (let n = 0; n < IP; n++) expect(delaySeconds(n, IP)).toBe(0);
  });

  it("waits 30 s at the threshold, then doubles with each failure", () => {
    expect([5, 6, 7, 8, 9].map((n) => delaySeconds(n, ACCOUNT))).toEqual([30, 60, 120, 240, 480]);
    expect(delaySeconds(IP, IP)).toBe(30);
    expect(delaySeconds(IP + 1, IP)).toBe(60);
  });

  it("caps the wait at 15 minutes, however many failures", () => {
    expect(delaySeconds(10, ACCOUNT)).toBe(900);
    expect(delaySeconds(11, ACCOUNT)).toBe(900);
    expect(delaySeconds(1_000_000, ACCOUNT)).toBe(900);
    for (let n = 0; n <= 2_000; n++) {
      const d = delaySeconds(n, ACCOUNT);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(900);
      expect(Number.isFinite(d)).toBe(true);
    }
  });

  it("never shortens the wait as failures grow", () => {
    let previous = 0;
    for (let n = 0; n <= 100; n++) {
      const d = delaySeconds(n, ACCOUNT);
      expect(d).toBeGreaterThanOrEqual(previous);
      previous = d;
    }
  });
});
