import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { createDatabase } from "../../src/db/database.ts";
import { type EmbeddedCluster, startEmbedded } from "../../src/db/embedded.ts";
import { loginUrl, prepareDatabase } from "../../src/db/prepare.ts";
import { loadTenantFiles } from "../../src/tenancy/files.ts";
import { provisionTenants } from "../../src/tenancy/provision.ts";
import { LOGIN, TEMPLATE, withDatabase } from "./constants.ts";
import { freePort } from "./ports.ts";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
  }
}

function dockerAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: "/var/run/docker.sock", path: "/_ping", timeout: 1000 }, (res) =>
      resolve(res.statusCode === 200),
    );
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** TEST_DATABASE_URL, else testcontainers when a Docker engine answers, else embedded PostgreSQL. */
async function server(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async () => {} };
  if (await dockerAnswers()) {
    const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
    const c = await new PostgreSqlContainer("postgres:18").start();
    return { url: c.getConnectionUri(), stop: async () => void (await c.stop()) };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "parvis-test-pg-"));
  // As root, PostgreSQL runs as the "postgres" user, who must be able to enter the folder.
  chmodSync(dir, 0o755);
  const cluster: EmbeddedCluster = await startEmbedded(path.join(dir, "pg"), await freePort(), {
    durable: false,
  });
  return {
    url: cluster.url,
    stop: async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One cluster for the run; a migrated, provisioned template database that each test file copies. */
export default async function setup(project: TestProject) {
  const srv = await server();
  const admin = new pg.Client({ connectionString: srv.url });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE} with (force)`);
  await admin.query(`create database ${TEMPLATE}`);
  await admin.end();
  const templateUrl = withDatabase(srv.url, TEMPLATE);
  await prepareDatabase(templateUrl, LOGIN);
  const db = createDatabase(loginUrl(templateUrl, LOGIN), { max: 2 });
  await provisionTenants(db, loadTenantFiles());
  await db.close();
  project.provide("adminUrl", srv.url);
  return async () => {
    await srv.stop();
  };
}
