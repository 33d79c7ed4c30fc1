/**
 * Issue 16, item 10: what the demo exposes. The mailbox (every activation link) answers only
 * this machine, never a request relayed by a proxy; health checks carry the security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

const get = (path: string, headers: Record<string, string>) =>
  p.app.request(`http://127.0.0.1${path}`, { headers, redirect: "manual" });

describe("the demo's mailbox", () => {
  it("answers a request made on this machine", async () => {
    const res = await get("/", { Host: "mail.localhost:3000" });
    expect(res.status).toBe(200);
  });

  it("is an unknown host to a request relayed from elsewhere", async () => {
    const res = await get("/", { Host: "mail.localhost:3000", "X-Forwarded-For": "203.0.113.50" });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).not.toContain("activation");
  });
});

describe("health checks", () => {
  it.each(["/livez", "/readyz"])("%s sends the security headers", async (path) => {
    const res = await get(path, { Host: "sene.localhost:3000" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});
