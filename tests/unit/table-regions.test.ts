import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? templates(path.join(dir, e.name))
      : e.name.endsWith(".eta")
        ? [path.join(dir, e.name)]
        : [],
  );
}

// A wide table scrolls inside its own box on a phone; a keyboard must reach that box and a
// screen reader must hear its name (axe: scrollable-region-focusable).
it("every scrolling table box is a focusable, labelled region", () => {
  const wrong = templates("templates").flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/<div class="table-wrap[^"]*"[^>]*>/g)]
      .map((m) => m[0])
      .filter(
        (tag) => !(/role="region"/.test(tag) && /tabindex="0"/.test(tag) && /aria-label(ledby)?="/.test(tag)),
      )
      .map((tag) => `${file}: ${tag}`),
  );
  expect(wrong).toEqual([]);
});
