/**
 * Shared setup for the household tests (« Mon foyer », « Mon profil »): the demo towns' hosts,
 * and a parent signed in with the demo password, each client on its own address.
 */
import { expect } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "./client.ts";
import type { TestPlatform } from "./platform.ts";

export const SENE = "sene.localhost:3000";
export const SENNECEY = "senneceylesdijon.localhost:3000";
export const PLOMBIERES = "plombieres.localhost:3000";

/**
 * Signs parents in, each on the next address of `${ipPrefix}n` so that the per-IP login
 * counter never leaks from one test to the next.
 */
export function parentSignIns(ipPrefix = "203.0.113.") {
  let ip = 0;
  return async (p: TestPlatform, host: string, identifier: string) => {
    const c = client(p.app, host, { ip: `${ipPrefix}${++ip}` });
    expect((await c.login(identifier, DEMO_PASSWORD)).status).toBe(303);
    return c;
  };
}
