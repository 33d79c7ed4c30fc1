import { readFileSync } from "node:fs";
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Longest files first, from the durations of a full run committed in tests/durations.json
 * (vitest's own cache of durations is empty on a fresh clone, where it orders by file size).
 * Two workers then finish together instead of one running a long file alone at the end.
 * A file not listed yet counts as its folder's median.
 */
export default class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const known: Record<string, number> = JSON.parse(
      readFileSync(path.join(root, "tests/durations.json"), "utf8"),
    );
    const medians = folderMedians(known);
    const duration = (spec: TestSpecification) => {
      const file = path.relative(root, spec.moduleId).split(path.sep).join("/");
      return known[file] ?? medians.get(path.posix.dirname(file)) ?? 0;
    };
    return [...files].sort((a, b) => duration(b) - duration(a));
  }
}

function folderMedians(known: Record<string, number>): Map<string, number> {
  const byFolder = new Map<string, number[]>();
  for (const [file, ms] of Object.entries(known)) {
    const folder = path.posix.dirname(file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), ms]);
  }
  return new Map(
    [...byFolder].map(([folder, all]) => [
      folder,
      all.sort((x, y) => x - y)[Math.floor(all.length / 2)] ?? 0,
    ]),
  );
}
