/**
 * The raw baseline: a bare node:http server doing, per request, the database work of the
 * parent home page in ONE transaction straight through `pg`, as the same LOGIN role, with
 * the same set_config statement and the same SQL text Kysely emits (src/auth/sessions.ts
 * validateSession, src/features/home/service.ts householdOf); it answers a small HTML string.
 * GET /messages does the inbox's work instead (issue 14: src/features/messages/repo.ts
 * unreadCount and listThreads of « Reçus »), still in one transaction.
 * Usage: baseline.ts <config.json>; prints {"port":…} once listening.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { lifetime } from "../src/auth/sessions.ts";
import { hashToken } from "../src/auth/tokens.ts";

export interface BaselineConfig {
  loginUrl: string;
  poolSize: number;
  domain: string;
  /** slug -> tenant id (the app keeps the same mapping in its host cache). */
  towns: Record<string, string>;
}

const config = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as BaselineConfig;
const pool = new pg.Pool({
  connectionString: config.loginUrl,
  max: config.poolSize,
  idleTimeoutMillis: 30_000,
});
pool.on("error", () => {});

// src/db/database.ts withTenant, byte for byte but for whitespace.
const SET_CONTEXT = `select set_config('role', $1, true),
                         set_config('app.tenant_id', $2, true),
                         set_config('app.user_id', $3, true),
                         set_config('app.household_id', $4, true)`;
// What Kysely compiles for validateSession's select and touch, and householdOf's select.
const SESSION = `select "s"."id", "s"."remember", "s"."last_seen_at", "s"."expires_at", "u"."id" as "user_id", "u"."kind", "u"."household_id", "u"."staff_role", "u"."civility", "u"."first_name", "u"."last_name", "u"."email", "u"."login", "u"."must_change_password", "u"."disabled_at" from "sessions" as "s" inner join "users" as "u" on "u"."tenant_id" = "s"."tenant_id" and "u"."id" = "s"."user_id" where "s"."id" = $1`;
const TOUCH = `update "sessions" set "last_seen_at" = now() where "id" = $1`;
const HOUSEHOLD = `select "id", "name", "number" from "households"`;
const UNREAD = `select count(*) as "n" from "messages" where "household_id" = $1 and "author" = $2 and "read_at" is null`;
const INBOX = `select "t"."id", "t"."subject", "t"."service", "t"."started_by", "t"."last_at", (select count(*) from messages m where m.thread_id = t.id and m.author = $1 and m.read_at is null) as "unread" from "message_threads" as "t" where "t"."household_id" = $2 and "t"."parent_deleted_at" is null and "t"."last_town_at" is not null order by "t"."last_at" desc limit $3`;
const TOUCH_EVERY_MS = 60_000;

interface SessionRow {
  id: string;
  remember: boolean;
  last_seen_at: Date;
  expires_at: Date;
  user_id: string;
  kind: string;
  household_id: string | null;
  first_name: string;
  last_name: string;
  disabled_at: Date | null;
}

const suffix = `.${config.domain}`;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

type Thread = { id: string; subject: string; service: string; unread: string };

/** The inbox's rows as a small HTML table. */
async function inbox(client: pg.PoolClient, householdId: string): Promise<string> {
  const unread = (await client.query<{ n: string }>(UNREAD, [householdId, "town"])).rows[0]?.n ?? "0";
  const rows = (await client.query<Thread>(INBOX, ["town", householdId, 200])).rows;
  const cells = rows.map(
    (t) =>
      `<tr><td><a href="/messages/${t.id}">${escapeHtml(t.subject)}</a></td><td>${escapeHtml(t.service)}</td><td>${t.unread}</td></tr>`,
  );
  return `<p>${unread} Nouveau(x) Message(s)</p><table>${cells.join("")}</table>`;
}

async function homePage(tenantId: string, token: string, path: string): Promise<string | null> {
  const client = await pool.connect();
  try {
    await client.query("begin", []);
    await client.query(SET_CONTEXT, ["app_auth", tenantId, "", ""]);
    const id = hashToken(token);
    const row = (await client.query<SessionRow>(SESSION, [id])).rows[0];
    const now = Date.now();
    if (
      !row ||
      row.disabled_at ||
      row.expires_at.getTime() <= now ||
      row.last_seen_at.getTime() + lifetime(row.remember).idleMs <= now ||
      row.kind !== "parent"
    ) {
      await client.query("rollback", []);
      return null;
    }
    if (now - row.last_seen_at.getTime() > TOUCH_EVERY_MS) await client.query(TOUCH, [id]);
    await client.query(SET_CONTEXT, ["app_parent", tenantId, row.user_id, row.household_id ?? ""]);
    if (path === "/messages") {
      const html = await inbox(client, row.household_id ?? "");
      await client.query("commit", []);
      return `<!doctype html><html lang="fr"><title>Boîte de réception</title>${html}</html>`;
    }
    const household = (await client.query<{ id: string; name: string; number: string }>(HOUSEHOLD, []))
      .rows[0];
    await client.query("commit", []);
    if (!household) return null;
    return `<!doctype html><html lang="fr"><title>Accueil</title><h1>Bienvenue ${escapeHtml(row.first_name)} ${escapeHtml(row.last_name)}</h1><p>${escapeHtml(household.name)} · N° Famille : ${escapeHtml(household.number)}</p></html>`;
  } catch (e) {
    await client.query("rollback", []).catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

const server = createServer((req, res) => {
  const host = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
  const slug = host.endsWith(suffix) ? host.slice(0, -suffix.length) : "";
  const tenantId = config.towns[slug];
  const token = /(?:^|;\s*)__Host-parvis=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
  if (!tenantId || !token) {
    res.writeHead(tenantId ? 401 : 404).end();
    return;
  }
  homePage(tenantId, token, req.url ?? "/").then(
    (html) => {
      if (html === null) res.writeHead(401).end();
      else res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
    },
    () => res.writeHead(500).end(),
  );
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});

process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  pool.end().finally(() => process.exit(0));
});
