/**
 * The messages scenarios of `npm run bench` (issue 14): « Boîte de réception » (GET /messages)
 * under autocannon as parents holding 200 messages each, against the raw baseline of the
 * same SQL; and a broadcast to every household of the town through the real service
 * function, timed, then counted in SQL (one conversation, one message per household, the
 * e-mail notices in the outbox). run.ts calls these and prints what they return.
 */
import { sql } from "kysely";
import type { Database } from "../src/db/database.ts";
import * as broadcastService from "../src/features/messages/broadcast-service.ts";
import type { LoadResult, LoadTarget } from "./load.ts";
import { type MessagesBenchData, THREADS_PER_PARENT } from "./messages-generate.ts";
import { httpRequest } from "./proc.ts";

export const INBOX_PATH = "/messages";
const hostOf = (data: MessagesBenchData, port: number) => `${data.tenant.slug}.localhost:${port}`;

export function inboxTargets(data: MessagesBenchData, port: number): LoadTarget[] {
  return data.inboxSessions.map((token) => ({
    headers: { host: hostOf(data, port), cookie: `__Host-parvis=${token}` },
  }));
}

/** The inbox answers 200 to a generated parent, with every conversation, on the portal and the baseline. */
export async function preflightInbox(data: MessagesBenchData, appPort: number, baselinePort: number) {
  for (const port of [appPort, baselinePort]) {
    const [target] = inboxTargets(data, port);
    const res = await httpRequest(port, { path: INBOX_PATH, headers: target?.headers });
    const shown = new Set(res.body.match(/href="\/messages\/[0-9a-f-]{36}"/g) ?? []).size;
    if (res.status !== 200 || shown !== THREADS_PER_PARENT)
      throw new Error(
        `preflight: ${INBOX_PATH} on port ${port} answered ${res.status} with ${shown} conversations`,
      );
  }
}

export function inboxLine(page: LoadResult, baseline: LoadResult): string {
  return (
    `Boîte de réception / its raw baseline = ${page.requestsPerSecond.toFixed(0)} / ${baseline.requestsPerSecond.toFixed(0)} req/s = ` +
    `${((100 * page.requestsPerSecond) / baseline.requestsPerSecond).toFixed(0)} %, p50 ${page.p50} ms, p99 ${page.p99} ms ` +
    `(${THREADS_PER_PARENT * 2} messages per parent; no target)`
  );
}

export interface BroadcastReport {
  households: number;
  ms: number;
  threads: number;
  messages: number;
  mails: number;
}

/** « Diffusion » to every household, as an admin would send it, timed; then counted in SQL. */
export async function runBroadcast(
  db: Database,
  data: MessagesBenchData,
  origin: string,
): Promise<BroadcastReport> {
  const input = {
    cible: "tous" as const,
    subject: "Fermeture exceptionnelle",
    service: "Accueil",
    body: "L'accueil sera fermé vendredi.",
  };
  const staff = { role: "app_staff" as const, tenantId: data.tenant.id, userId: data.staffUserId };
  const t = performance.now();
  const { count } = await db.withTenant(staff, (trx) =>
    broadcastService.send(trx, data.tenant, data.staffUserId, input, origin),
  );
  const ms = performance.now() - t;
  const found = await db.withTenant(staff, async (trx) => {
    const { rows } = await sql<{ threads: number; messages: number }>`
      select
        (select count(*)::int from message_threads where subject = ${input.subject}) as threads,
        (select count(*)::int from messages m join message_threads t on t.id = m.thread_id
          where t.subject = ${input.subject}) as messages`.execute(trx);
    return rows[0] as { threads: number; messages: number };
  });
  // Only the jobs' persona reads the outbox back.
  const mails = await db.withTenant({ role: "app_jobs", tenantId: data.tenant.id }, async (trx) => {
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from outbox where subject like 'Nouveau message%'`.execute(trx);
    return rows[0]?.n ?? 0;
  });
  return { households: count, ms, ...found, mails };
}

export function broadcastLines(r: BroadcastReport, expected: number): string[] {
  return [
    `broadcast to ${r.households} households: ${(r.ms / 1000).toFixed(2)} s ` +
      `(${(r.households / (r.ms / 1000)).toFixed(0)} households/s; one set-based statement for the inboxes, one for the outbox)`,
    `  checks: conversations ${r.threads}, messages ${r.messages}, e-mail notices ${r.mails} (each must be ${expected})`,
  ];
}

export const broadcastFailed = (r: BroadcastReport, expected: number) =>
  r.households !== expected || r.threads !== expected || r.messages !== expected || r.mails !== expected;
