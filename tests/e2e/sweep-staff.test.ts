import { afterAll, beforeAll } from "vitest";
import { type E2E, startE2E } from "../helpers/browser.ts";
import { STAFF, sweepEveryPage } from "../helpers/sweep.ts";

// The staff's pages (tests/helpers/sweep.ts): no sideways scroll on a phone or a desktop, no axe violation.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

sweepEveryPage(() => e2e, STAFF);
