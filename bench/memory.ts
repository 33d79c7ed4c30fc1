/**
 * Peak memory while something runs: this process (the portal and its job worker run here)
 * resident and V8 heap, and PostgreSQL's processes under this bench (embedded cluster), as
 * their private resident memory (RssAnon: shared buffers mapped by every backend are not
 * counted once per backend). Sampled every 50 ms from /proc (Linux); PostgreSQL reads 0
 * when it is not ours (BENCH_DATABASE_URL).
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

function status(pid: string): { ppid: number; comm: string; anon: number; shmem: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (k: string) => text.match(new RegExp(`^${k}:\\s+(\\S+)`, "m"))?.[1] ?? "";
    return {
      ppid: Number(field("PPid")),
      comm: field("Name"),
      anon: Number(field("RssAnon") || 0) * 1024,
      shmem: Number(field("RssShmem") || 0) * 1024,
    };
  } catch {
    return null;
  }
}

function postgresNow(): { sum: number; largest: number; shared: number } {
  const procs = new Map<number, NonNullable<ReturnType<typeof status>>>();
  let names: string[] = [];
  try {
    names = readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    return { sum: 0, largest: 0, shared: 0 };
  }
  for (const n of names) {
    const s = status(n);
    if (s) procs.set(Number(n), s);
  }
  const ours = (pid: number) => {
    for (let cur: number | undefined = pid, i = 0; cur && i < 64; i++) {
      if (cur === process.pid) return true;
      cur = procs.get(cur)?.ppid;
    }
    return false;
  };
  let sum = 0;
  let largest = 0;
  let shared = 0;
  for (const [pid, s] of procs)
    if (s.comm === "postgres" && ours(pid)) {
      sum += s.anon;
      largest = Math.max(largest, s.anon);
      shared = Math.max(shared, s.shmem);
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
  const sample = () => {
    const m = process.memoryUsage();
    peak.rssBytes = Math.max(peak.rssBytes, m.rss);
    peak.heapBytes = Math.max(peak.heapBytes, m.heapUsed);
    const pgm = postgresNow();
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
