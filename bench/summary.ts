/**
 * The final table of `npm run bench`: every figure of issue 17's targets (1–7) with its
 * target and « met / not met », in one place. A target whose part did not run (BENCH_ONLY,
 * BENCH_CITY) still gets its row, « not run », so the table always names all seven.
 */
export interface TargetRow {
  target: number;
  figure: string;
  measured: string;
  goal: string;
  /** null: printed for information (no pass/fail), or not run. */
  ok: boolean | null;
}

export const TARGET_TITLES: Record<number, string> = {
  1: "pages vs their raw baseline",
  2: "latency felt (open model)",
  3: "the rush",
  4: "invoicing",
  5: "flat with size",
  6: "bytes on the wire",
  7: "cold start",
};

export class Summary {
  readonly rows: TargetRow[] = [];

  add(target: number, figure: string, measured: string, goal: string, ok: boolean | null): void {
    this.rows.push({ target, figure, measured, goal, ok });
  }

  notRun(target: number, figure: string, why: string): void {
    this.rows.push({ target, figure, measured: `not run (${why})`, goal: "", ok: null });
  }

  lines(): string[] {
    const rows = [...this.rows].sort((a, b) => a.target - b.target);
    for (const t of Object.keys(TARGET_TITLES).map(Number))
      if (!rows.some((r) => r.target === t))
        rows.push({ target: t, figure: TARGET_TITLES[t] ?? "", measured: "not run", goal: "", ok: null });
    rows.sort((a, b) => a.target - b.target);
    const verdict = (r: TargetRow) =>
      r.ok === null ? (r.measured.startsWith("not run") ? "—" : "info") : r.ok ? "met" : "NOT met";
    const table = [
      ["#", "figure", "measured", "target", "result"],
      ...rows.map((r) => [String(r.target), r.figure, r.measured, r.goal, verdict(r)]),
    ];
    const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((r) => (r[i] ?? "").length)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
    const sep = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
    const judged = rows.filter((r) => r.ok !== null);
    return [
      "issue 17 targets (summary):",
      line(table[0] ?? []),
      sep,
      ...table.slice(1).map(line),
      `${judged.filter((r) => r.ok).length} of ${judged.length} judged figures met; ` +
        `${rows.filter((r) => r.measured.startsWith("not run")).length} not run`,
    ];
  }
}

/** The parts `BENCH_ONLY` may name (comma-separated); all but `city` run by default. */
export const PARTS = [
  "home",
  "pages",
  "open",
  "rush",
  "broadcast",
  "invoicing",
  "enrolments",
  "scale",
  "cold",
  "bytes",
  "lighthouse",
  "city",
] as const;
export type Part = (typeof PARTS)[number];

export function selectedParts(only: string | undefined, city: string | undefined): Set<Part> {
  const names = (only ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(PARTS as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(`BENCH_ONLY: unknown part(s) ${unknown.join(", ")}; known: ${PARTS.join(", ")}`);
  const chosen = new Set<Part>(names.length > 0 ? (names as Part[]) : PARTS.filter((p) => p !== "city"));
  if (city && city !== "0") chosen.add("city");
  return chosen;
}
