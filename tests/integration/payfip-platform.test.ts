import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadEnv } from "../../src/env.ts";
import { paymentDetail, soapEndpoint } from "../../src/integrations/payfip/client.ts";
import { createLogger } from "../../src/lib/log.ts";
import { startPlatform } from "../../src/platform.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";

let t: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), "parvis-payfip-"));
});
afterAll(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = (demo: string) =>
  loadEnv({
    NODE_ENV: "test",
    DEMO: demo,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    DATABASE_URL: t.ownerUrl,
    DATA_DIR: dataDir,
    APP_DB_USER: "parvis_payfip_app",
    APP_DB_PASSWORD: "parvis-payfip-app-password",
    SMTP_URL: "smtp://127.0.0.1:1",
  });

it("the demo runs the PayFiP simulator on its own port and close() stops it", async () => {
  const platform = await startPlatform(env("true"), createLogger("silent", false), { listen: false });
  const url = platform.payfipUrl ?? "";
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const endpoint = soapEndpoint(url);
  expect(await paymentDetail({ endpoint, idOp: "cc0cb210-1cd4-11ea-8cca-0213ad91a103" })).toEqual({
    status: "unknown",
  });
  await platform.close();
  await expect(fetch(`${endpoint}?wsdl`)).rejects.toThrow();
});

it("outside the demo there is no simulator", async () => {
  const platform = await startPlatform(env("false"), createLogger("silent", false), { listen: false });
  expect(platform.payfipUrl).toBeUndefined();
  await platform.close();
});
