/**
 * Peak memory while something runs: this process (the portal and its job worker run here)
 * resident and V8 heap, and PostgreSQL's processes under this bench (embedded cluster), as
 * their private resident memory (RssAnon: shared buffers mapped by every backend are not
 * counted once per backend). This process is sampled every 50 ms, PostgreSQL every 500 ms,
 * from /proc (Linux); PostgreSQL reads 0 when it is not ours (BENCH_DATABASE_URL).
 */
import { readdirSync, readFileSync } from "node:fs";

export interface PeakMemory {
  rssBytes: number;
  heapBytes: number;
  /** Sum over PostgreSQL processes of their private resident memory, and the largest one. */
  postgresBytes: number;
  postgresLargestBytes: number;
  /** Shared memory PostgreSQL touched (RssShmem of its largest process). */
  postgresSharedBytes: number;
}

function read(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Direct children of a process (/proc/<pid>/task/<tid>/children, over its threads). */
function children(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks)
    for (const c of read(`/proc/${pid}/task/${tid}/children`).trim().split(/\s+/)) if (c) out.push(Number(c));
  return out;
}

/** PostgreSQL's processes under this one: the postmaster (our child) and its children. */
function postgresPids(): number[] {
  const isPostgres = (pid: number) => read(`/proc/${pid}/comm`).trim() === "postgres";
  const masters = children(process.pid).filter(isPostgres);
  return [...masters, ...masters.flatMap(children)];
}

function postgresNow(pids: number[]): { sum: number; largest: number; shared: number } {
  let sum = 0;
  let largest = 0;
  let shared = 0;
  for (const pid of pids) {
    const text = read(`/proc/${pid}/status`);
    const kib = (k: string) => Number(text.match(new RegExp(`^${k}:\\s+(\\d+)`, "m"))?.[1] ?? 0) * 1024;
    sum += kib("RssAnon");
    largest = Math.max(largest, kib("RssAnon"));
    shared = Math.max(shared, kib("RssShmem"));
  }
  return { sum, largest, shared };
}

export function sampleMemory(): () => PeakMemory {
  const peak: PeakMemory = {
    rssBytes: 0,
    heapBytes: 0,
    postgresBytes: 0,
    postgresLargestBytes: 0,
    postgresSharedBytes: 0,
  };
  // The sampler runs in the portal's own process: PostgreSQL is read every 10th sample only
  // (a few /proc files per backend), and its processes are listed once a second.
  let pids = postgresPids();
  let n = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak.rssBytes = Math.max(peak.rssBytes, m.rss);
    peak.heapBytes = Math.max(peak.heapBytes, m.heapUsed);
    n++;
    if (n % 20 === 0) pids = postgresPids();
    if (n % 10 !== 1) return;
    const pgm = postgresNow(pids);
    peak.postgresBytes = Math.max(peak.postgresBytes, pgm.sum);
    peak.postgresLargestBytes = Math.max(peak.postgresLargestBytes, pgm.largest);
    peak.postgresSharedBytes = Math.max(peak.postgresSharedBytes, pgm.shared);
  };
  sample();
  const timer = setInterval(sample, 50);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
