import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Source files by path (posix, relative to the repository), read or made up by a test. */
export type SourceTree = Record<string, string>;

export function readTree(dir = "src"): SourceTree {
  const tree: SourceTree = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.posix.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts")) tree[p] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return tree;
}

/** The slice a file belongs to: `planning` for src/features/planning/…, `auth` for src/auth/…. */
export function sliceOf(file: string): string {
  const parts = file.split("/");
  return parts[1] === "features" ? (parts[2] ?? "") : (parts[1] ?? "").replace(/\.ts$/, "");
}

const isFeature = (file: string) => file.startsWith("src/features/");

const IMPORT = /(?:import|export)\s[^'"]*?from\s+["'](\.[^"']+)["']/g;

/** Relative imports between files of the tree, resolved to the imported file's path. */
export function importsOf(tree: SourceTree): Array<{ from: string; to: string }> {
  return Object.entries(tree).flatMap(([from, source]) =>
    [...source.matchAll(IMPORT)].map((m) => ({
      from,
      to: path.posix.normalize(path.posix.join(path.posix.dirname(from), m[1] as string)),
    })),
  );
}

/** Feature → feature edges (« a→b ») that lie on a cycle of the feature graph. */
export function cycleEdges(tree: SourceTree): string[] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of importsOf(tree)) {
    if (!isFeature(from) || !isFeature(to) || sliceOf(from) === sliceOf(to)) continue;
    const set = next.get(sliceOf(from)) ?? new Set<string>();
    set.add(sliceOf(to));
    next.set(sliceOf(from), set);
  }
  const reaches = (start: string, goal: string) => {
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length > 0) {
      const at = todo.pop() as string;
      if (at === goal) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      todo.push(...(next.get(at) ?? []));
    }
    return false;
  };
  return [...next].flatMap(([a, bs]) => [...bs].filter((b) => reaches(b, a)).map((b) => `${a}→${b}`)).sort();
}

const QUERY = /\.(selectFrom|insertInto|updateTable|deleteFrom|mergeInto)\(|\bsql`/;

/** Route files that import a repo or send SQL themselves. */
export function routeSql(tree: SourceTree): string[] {
  const routes = (f: string) => /routes\.ts$/.test(f);
  const viaRepo = importsOf(tree)
    .filter(({ from, to }) => routes(from) && /(^|[/-])repo(\.ts)?$/.test(to))
    .map(({ from, to }) => `${from} imports ${to.replace(/\.ts$/, "")}`);
  const direct = Object.entries(tree)
    .filter(([f, s]) => routes(f) && QUERY.test(s))
    .map(([f]) => `${f} sends SQL`);
  return [...viaRepo, ...direct].sort();
}

/**
 * Feature files that open a transaction or build the caller's context by hand instead of the
 * request scope's door (`inTransaction`, `callerScope`). Jobs (`*-job.ts`) run outside any
 * request and open their own; the operators' console acts on towns as `app_operator`.
 */
export function handScopes(tree: SourceTree): string[] {
  const HAND = /\.withTenant\(|role: "app_(?:parent|staff)"/;
  const exempt = (f: string) => /-job\.ts$/.test(f) || f.startsWith("src/features/platform/");
  return Object.entries(tree)
    .filter(([f, s]) => isFeature(f) && !exempt(f) && HAND.test(s))
    .map(([f]) => f)
    .sort();
}

/**
 * Files that read a request body or check an id by hand rather than through src/http/forms.ts.
 * Integrations read what an outside service sends (PayFiP's return), not a person's form.
 */
export function handInput(tree: SourceTree): string[] {
  const HAND = /\.parseBody\(|\[0-9a-f\]\{8\}/;
  const door = (f: string) =>
    f.startsWith("src/http/") || f.startsWith("src/integrations/") || f === "src/lib/form-fields.ts";
  return Object.entries(tree)
    .filter(([f, s]) => !door(f) && HAND.test(s))
    .map(([f]) => f)
    .sort();
}

/** Imports of another feature's files that are not its public service (`service.ts`, `*-service.ts`). */
export function internals(tree: SourceTree): string[] {
  const pub = (to: string) => /(^|[/-])service(\.ts)?$/.test(to);
  return [
    ...new Set(
      importsOf(tree)
        .filter(
          ({ from, to }) => isFeature(from) && isFeature(to) && sliceOf(from) !== sliceOf(to) && !pub(to),
        )
        .map(({ from, to }) => `${sliceOf(from)} → ${to.replace(/\.ts$/, "")}`),
    ),
  ].sort();
}

const WRITES = [
  /\.(?:insertInto|updateTable|deleteFrom|mergeInto)\(\s*"([a-z_]+)/g,
  /\b(?:insert\s+into|delete\s+from|update)\s+(?:app\.)?([a-z_]+)\s+(?:set|as|\(|select|values|using|where|default)/gi,
];

/** The tables a source file writes, read from the SQL it sends. */
function tablesWritten(source: string): string[] {
  const named = [...source.matchAll(NAMED)].flatMap((m) => (m[1] as string).split(/,\s*/));
  return [
    ...WRITES.flatMap((re) => [...source.matchAll(re)].map((m) => (m[1] as string).toLowerCase())),
    ...named,
  ];
}

/** A write whose table is a variable names its tables in a comment: `// writes: a, b`. */
const NAMED = /\/\/ writes: ([a-z_]+(?:,\s*[a-z_]+)*)/g;
const DYNAMIC = /\.(?:insertInto|updateTable|deleteFrom|mergeInto)\(\s*[a-zA-Z_]/;

/** Files that write a table chosen at run time without naming the tables it can be. */
export function unnamedWrites(tree: SourceTree): string[] {
  return Object.entries(tree)
    .filter(([, s]) => DYNAMIC.test(s) && !s.includes("// writes: "))
    .map(([f]) => f)
    .sort();
}

/** Which slices write each table, read from the SQL the code sends. */
export function tableWriters(tree: SourceTree): Map<string, Set<string>> {
  const writers = new Map<string, Set<string>>();
  for (const [file, source] of Object.entries(tree))
    for (const table of tablesWritten(source)) {
      const set = writers.get(table) ?? new Set<string>();
      set.add(sliceOf(file));
      writers.set(table, set);
    }
  return writers;
}

/**
 * Inside one feature cut into sub-slices: « table ← feature/part » for each write of one of
 * `tables` from outside the sub-folder `owner` (a file at the feature's root is its own part).
 */
export function subSliceWrites(tree: SourceTree, feature: string, owner: string, tables: string[]): string[] {
  const root = `src/features/${feature}/`;
  const writes = Object.entries(tree)
    .filter(([file]) => file.startsWith(root))
    .flatMap(([file, source]) => {
      const part = file.slice(root.length).split("/")[0] as string;
      if (part === owner) return [];
      return tablesWritten(source)
        .filter((t) => tables.includes(t))
        .map((t) => `${t} ← ${feature}/${part.replace(/\.ts$/, "")}`);
    });
  return [...new Set(writes)].sort();
}

/** « table ← slice » for each write from outside the table's owner (unknown tables too). */
export function foreignWrites(tree: SourceTree, owners: Record<string, string>, exempt: string[]): string[] {
  return [...tableWriters(tree)]
    .flatMap(([table, slices]) =>
      [...slices].filter((s) => s !== owners[table] && !exempt.includes(s)).map((s) => `${table} ← ${s}`),
    )
    .sort();
}
