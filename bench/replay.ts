/**
 * Raw baselines by recording (issue 17 item 1). For each target of a page scenario, the
 * portal answers the page once (warming the session's touch and the caches), then once more
 * while every statement its request pool sends as the login role is recorded, with its
 * parameters as pg serialises them. replay-baseline.ts then runs exactly those statements
 * straight through `pg`, in ONE transaction, as the same login role: the page's own SQL,
 * without Hono, Kysely, templates, or the transactions' extra round trips.
 */
import pg from "pg";
import type { LoadTarget } from "./load.ts";
import { httpRequest } from "./proc.ts";

export interface Statement {
  text: string;
  values: (string | null)[];
}
/** One request's statements, transaction control left out. */
export type Script = Statement[];

export const REPLAY_HEADER = "x-bench-replay";
const CONTROL = /^\s*(begin|commit|rollback|start transaction|savepoint|release)\b[^;]*;?\s*/i;

/** The statement without its transaction control (withTenant sends « begin; <context> » in one trip). */
function withoutControl(text: string): string {
  let rest = text;
  while (CONTROL.test(rest)) rest = rest.replace(CONTROL, "");
  return rest.trim();
}

type QueryArgs = [unknown, unknown?, ...unknown[]];
type Recorded = { user: string; statement: Statement };

let sink: Recorded[] | null = null;
/** The persona each connection's current transaction runs as (from its context statement). */
const personaOf = new WeakMap<object, string>();
const PERSONA = /set_config\('role', '(\w+)'/;
/** The job worker shares the login role's pool (outbox relay…): its transactions are not the page's. */
const NOT_THE_PAGE = new Set(["app_jobs"]);
let patched = false;

// pg's own serialisation of a parameter (dates, arrays, JSON), as it sends it.
const { prepareValue } = (pg as unknown as { utils: { prepareValue(v: unknown): string | Buffer | null } })
  .utils;

function serialise(values: unknown): (string | null)[] {
  if (!Array.isArray(values)) return [];
  return values.map((v) => {
    const p = prepareValue(v);
    return Buffer.isBuffer(p) ? `\\x${p.toString("hex")}` : p;
  });
}

/** Wraps pg's Client#query once: when a recording is on, keeps what each query sends. */
function patch() {
  if (patched) return;
  patched = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: QueryArgs) => unknown };
  const original = proto.query;
  proto.query = function (this: pg.Client & { connectionParameters: { user: string } }, ...args: QueryArgs) {
    if (sink) {
      const [config, values] = args;
      const text = typeof config === "string" ? config : (config as { text?: string })?.text;
      const given = typeof config === "object" && config ? (config as { values?: unknown }).values : values;
      const kept = text ? withoutControl(text) : "";
      const persona = PERSONA.exec(kept)?.[1];
      if (persona) personaOf.set(this, persona);
      if (kept && !NOT_THE_PAGE.has(personaOf.get(this) ?? ""))
        sink.push({
          user: this.connectionParameters.user,
          statement: { text: kept, values: serialise(given) },
        });
    }
    return original.apply(this, args);
  };
}

/** Records, for each target, the statements one GET of `path` sends as `user`. */
export async function recordScripts(
  user: string,
  port: number,
  path: string,
  targets: LoadTarget[],
): Promise<Script[]> {
  patch();
  const scripts: Script[] = [];
  for (const target of targets) {
    const warm = await httpRequest(port, { path, headers: target.headers });
    if (warm.status !== 200) throw new Error(`replay: ${path} answered ${warm.status}`);
    const first = await recordOnce(user, port, path, target);
    const second = await recordOnce(user, port, path, target);
    scripts.push(inBoth(first, second));
  }
  return scripts;
}

/** The statements one GET of `path` sends as `user` (and any other transaction's on the pool). */
async function recordOnce(user: string, port: number, path: string, target: LoadTarget): Promise<Script> {
  sink = [];
  try {
    const again = await httpRequest(port, { path, headers: target.headers });
    if (again.status !== 200) throw new Error(`replay: ${path} answered ${again.status}`);
    return sink.filter((r) => r.user === user).map((r) => r.statement);
  } finally {
    sink = null;
  }
}

/**
 * The page's own statements: those of the first recording whose text the second one sent too.
 * A background transaction on the same pool (a job) rarely runs during both requests, and its
 * statements are not the page's: the replay of such a statement failed on its privileges.
 */
function inBoth(first: Script, second: Script): Script {
  const left = new Map<string, number>();
  for (const st of second) left.set(st.text, (left.get(st.text) ?? 0) + 1);
  return first.filter((st) => {
    const n = left.get(st.text) ?? 0;
    if (n > 0) left.set(st.text, n - 1);
    return n > 0;
  });
}

/** The same targets for the baseline, each naming its recorded script. */
export function replayTargets(scenario: string, targets: LoadTarget[]): LoadTarget[] {
  return targets.map((t, i) => ({ ...t, headers: { ...t.headers, [REPLAY_HEADER]: `${scenario}/${i}` } }));
}
