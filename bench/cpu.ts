import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/**
 * CPU accounting from /proc (Linux). Two uses: telling whether other work shared the machine
 * during a scenario (busy time of the whole machine versus this bench's process tree), and
 * CPU time per request of the portal, of PostgreSQL and of the baseline, which, unlike
 * req/s, hardly depends on what else the machine is doing.
 */
export interface CpuSample {
  machineBusy: number;
  machineTotal: number;
  /** Ticks of each direct child of this process (with its descendants); this process under its own pid. */
  groups: Map<number, { comm: string; ticks: number }>;
}

export interface CpuUse {
  /** In % of one core (200 % = both cores of a 2-core machine busy). */
  machine: number;
  bench: number;
  others: number;
  /** CPU milliseconds by group (pid of this process or of one of its children). */
  ms: Map<number, { comm: string; ms: number }>;
}

function read(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function machineTicks(): { busy: number; total: number } {
  const line = read("/proc/stat")?.split("\n")[0] ?? "";
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

function processTree(root: number): CpuSample["groups"] {
  const procs = new Map<number, { ppid: number; comm: string; ticks: number }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    if (!stat) continue;
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    // After "pid (comm) ": state ppid …; utime and stime are fields 14 and 15, i.e. 11 and 12 here.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const own = Number(f[11]) + Number(f[12]);
    // A direct child also carries its children that exited (cutime + cstime): PostgreSQL's
    // backends come and go, and a group's CPU must never go back when one exits.
    const reaped = Number(f[1]) === root ? Number(f[13]) + Number(f[14]) : 0;
    procs.set(Number(name), { ppid: Number(f[1]), comm, ticks: own + reaped });
  }
  const groups: CpuSample["groups"] = new Map();
  for (const [pid, p] of procs) {
    let group = pid;
    let cur: number | undefined = pid;
    for (let depth = 0; cur && depth < 64; depth++) {
      if (cur === root) break;
      group = cur;
      cur = procs.get(cur)?.ppid;
    }
    if (cur !== root) continue;
    if (pid === root) group = root;
    const g = groups.get(group) ?? { comm: procs.get(group)?.comm ?? "?", ticks: 0 };
    g.ticks += p.ticks;
    groups.set(group, g);
  }
  return groups;
}

export function cpuSample(): CpuSample | null {
  if (!read("/proc/stat")) return null;
  const m = machineTicks();
  return { machineBusy: m.busy, machineTotal: m.total, groups: processTree(process.pid) };
}

export function cpuUse(a: CpuSample | null, b: CpuSample | null, elapsedMs: number): CpuUse | null {
  if (!a || !b) return null;
  const total = b.machineTotal - a.machineTotal;
  if (total <= 0) return null;
  const cores = availableParallelism();
  const pct = (ticks: number) => (100 * cores * ticks) / total;
  const ms = new Map<number, { comm: string; ms: number }>();
  let tree = 0;
  for (const [pid, g] of b.groups) {
    const d = g.ticks - (a.groups.get(pid)?.ticks ?? 0);
    tree += d;
    // Machine ticks over the window are elapsed × cores: this converts ticks to milliseconds.
    ms.set(pid, { comm: g.comm, ms: (d * elapsedMs * cores) / total });
  }
  const machine = pct(b.machineBusy - a.machineBusy);
  const bench = Math.min(machine, pct(tree));
  return { machine, bench, others: Math.max(0, machine - bench), ms };
}
