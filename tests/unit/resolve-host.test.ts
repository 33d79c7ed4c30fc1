import { describe, expect, it } from "vitest";
import { normaliseHost } from "../../src/tenancy/resolve.ts";

describe("normaliseHost", () => {
  it.each([
    ["sene.localhost:3000", "sene.localhost"],
    ["Sene.LOCALHOST:3000", "sene.localhost"],
    ["  plombieres.localhost  ", "plombieres.localhost"],
    ["sene.localhost.", "sene.localhost"],
    ["sene.localhost.:3000", "sene.localhost"],
    ["portail-famille.sennecey.test", "portail-famille.sennecey.test"],
    ["portail-famille.sennecey.test:65535", "portail-famille.sennecey.test"],
    ["admin.localhost:80", "admin.localhost"],
    ["127.0.0.1:3000", "127.0.0.1"],
  ])("reduces %j to %j", (header, expected) => {
    expect(normaliseHost(header)).toBe(expected);
  });

  it.each([
    undefined,
    "",
    "   ",
    ":3000",
    "sene.localhost:3000:3000",
    "sene.localhost:123456",
    "sene.localhost:",
    "sene localhost",
    "sene.localhost/evil",
    "sene.localhost\\evil",
    "user@sene.localhost",
    "sene.localhost?x=1",
    "sene.localhost#x",
    "[::1]:3000",
    "sené.localhost",
    "sene_localhost",
    "*.localhost",
    `${"a".repeat(254)}`,
  ])("rejects %j", (header) => {
    expect(normaliseHost(header)).toBe("");
  });

  it("accepts a 253-character name, the DNS limit", () => {
    const name = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    expect(name).toHaveLength(253);
    expect(normaliseHost(name)).toBe(name);
  });
});
