/**
 * Issue 17 item 1: every parent page and three staff pages against their own raw baseline
 * (replay.ts: the page's recorded SQL in one pg transaction as the same login role).
 * Targets: parents ≥ 70 % of their baseline, staff ≥ 60 %.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { createSession } from "../src/auth/sessions.ts";
import type { Database } from "../src/db/database.ts";
import type { BillingBenchData } from "./billing-generate.ts";
import { facturesTargets } from "./billing-scenarios.ts";
import type { LoadResult, LoadTarget } from "./load.ts";
import type { MessagesBenchData } from "./messages-generate.ts";
import { inboxTargets } from "./messages-scenarios.ts";
import type { PlanningBenchData } from "./planning-generate.ts";
import { planningPageTargets } from "./planning-scenarios.ts";
import { type Child, forkScript } from "./proc.ts";
import { recordScripts, replayTargets, type Script } from "./replay.ts";
import type { ReplayConfig } from "./replay-baseline.ts";

export interface PageScenario {
  key: string;
  label: string;
  audience: "parent" | "staff";
  path: string;
  targets: LoadTarget[];
}

const TARGET = { parent: 0.7, staff: 0.6 };

const hostOf = (slug: string, port: number) => `${slug}.localhost:${port}`;

/** A staff member of the town (« agent ») and a session for them. */
async function staffSession(db: Database, tenantId: string, userId?: string): Promise<string> {
  const id =
    userId ??
    (await db.withTenant(
      { role: "app_staff", tenantId },
      async (trx) =>
        (
          await sql<{
            id: string;
          }>`insert into users (tenant_id, kind, staff_role, first_name, last_name, email)
          values (${tenantId}::uuid, 'staff', 'agent', 'Agent', 'BENCH', ${`agent-${tenantId.slice(0, 8)}@bench.test`})
          returning id`.execute(trx)
        ).rows[0]?.id as string,
    ));
  // The bench agent stands for one who already gave their second factor (the town's rule).
  return db.withTenant({ role: "app_auth", tenantId }, async (trx) => {
    const { token } = await createSession(trx, tenantId, id, false);
    await trx
      .updateTable("sessions")
      .set({ second_factor_pending: false })
      .where("user_id", "=", id)
      .execute();
    return token;
  });
}

/** The pages measured, with their targets (the rush must have run: its 200 children make the pointage). */
export async function pageScenarios(
  db: Database,
  port: number,
  home: LoadTarget[],
  planning: PlanningBenchData,
  billing: BillingBenchData,
  messages: MessagesBenchData,
): Promise<PageScenario[]> {
  const staffOf = (slug: string, token: string): LoadTarget[] => [
    { headers: { host: hostOf(slug, port), cookie: `__Host-parvis=${token}` } },
  ];
  const planningStaff = staffOf(planning.slug, await staffSession(db, planning.tenantId));
  const billingStaff = staffOf(
    billing.tenant.slug,
    await staffSession(db, billing.tenant.id, billing.staffUserId),
  );
  const service = await db.withTenant(
    { role: "app_staff", tenantId: planning.tenantId },
    async (trx) =>
      (await sql<{ id: string }>`select id from services where key = 'mercredis'`.execute(trx)).rows[0]?.id,
  );
  const name = await db.withTenant(
    { role: "app_staff", tenantId: billing.tenant.id },
    async (trx) =>
      (await sql<{ name: string }>`select name from households order by number limit 1`.execute(trx)).rows[0]
        ?.name,
  );
  // « Famille Martin 12 »: staff type the start of a family name.
  const search = (name ?? "").split(/\s+/)[1]?.slice(0, 4) ?? "";
  const parents = facturesTargets(billing, port);
  const calendar = planningPageTargets(planning, port);
  return [
    { key: "home", label: "Accueil GET /", audience: "parent", path: "/", targets: home },
    {
      key: "planning",
      label: `Mon planning GET /planning?mois=${planning.month}`,
      audience: "parent",
      path: `/planning?mois=${planning.month}`,
      targets: calendar,
    },
    {
      key: "factures",
      label: "Mes factures GET /factures",
      audience: "parent",
      path: "/factures",
      targets: parents,
    },
    {
      key: "releve",
      label: "Relevé de compte GET /releve",
      audience: "parent",
      path: "/releve",
      targets: parents,
    },
    {
      key: "enfants",
      label: "Mes enfants GET /enfants",
      audience: "parent",
      path: "/enfants",
      targets: parents,
    },
    {
      key: "agenda",
      label: `Agenda GET /agenda?mois=${planning.month}`,
      audience: "parent",
      path: `/agenda?mois=${planning.month}`,
      targets: calendar,
    },
    {
      key: "messages",
      label: "Boîte de réception GET /messages",
      audience: "parent",
      path: "/messages",
      targets: inboxTargets(messages, port),
    },
    {
      key: "pointage",
      label: `Pointage of a ${planning.capacity}-child day`,
      audience: "staff",
      path: `/agents/planning/pointage?${new URLSearchParams({ service: service ?? "", jour: planning.rushDay })}`,
      targets: planningStaff,
    },
    {
      key: "occupation",
      label: "Occupation of a month",
      audience: "staff",
      path: `/agents/planning/occupation?${new URLSearchParams({ service: service ?? "", mois: planning.rushDay.slice(0, 7) })}`,
      targets: planningStaff,
    },
    {
      key: "foyers",
      label: `Household search « ${search} » (${billing.families} households)`,
      audience: "staff",
      path: `/agents/foyers?${new URLSearchParams({ q: search })}`,
      targets: billingStaff,
    },
  ];
}

/** Records every page's SQL and starts the replaying baseline. */
export async function startReplayBaseline(
  dir: string,
  loginUrl: string,
  user: string,
  poolSize: number,
  port: number,
  pages: PageScenario[],
): Promise<{ baseline: Child<{ port: number }>; statements: Record<string, number> }> {
  const scripts: Record<string, Script[]> = {};
  for (const p of pages) scripts[p.key] = await recordScripts(user, port, p.path, p.targets);
  const file = path.join(dir, "replay.json");
  const config: ReplayConfig = { loginUrl, poolSize, scripts };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  const statements = Object.fromEntries(
    Object.entries(scripts).map(([k, s]) => [k, Math.round(s.reduce((n, x) => n + x.length, 0) / s.length)]),
  );
  return { baseline: forkScript("replay-baseline.ts", [file]), statements };
}

export const baselineTargets = (p: PageScenario, port: number) =>
  replayTargets(
    p.key,
    p.targets.map((t) => ({
      ...t,
      headers: { ...t.headers, host: t.headers.host?.replace(/:\d+$/, `:${port}`) ?? "" },
    })),
  );

export interface PageFigures {
  page: PageScenario;
  statements: number;
  result: LoadResult;
  baseline: LoadResult;
}

export function pageLines(figures: PageFigures[]): string[] {
  return figures.map(({ page, statements, result, baseline }) => {
    const ratio = result.requestsPerSecond / baseline.requestsPerSecond;
    const target = TARGET[page.audience];
    return (
      `${page.label} (${page.audience}, ${statements} statements): ${result.requestsPerSecond.toFixed(0)} / ` +
      `${baseline.requestsPerSecond.toFixed(0)} req/s = ${(100 * ratio).toFixed(0)} % of its raw baseline, ` +
      `p99 ${result.p99} ms (target ≥ ${target * 100} %): ${ratio >= target ? "met" : "NOT met"}`
    );
  });
}
