import { defineConfig } from "vitest/config";
import DurationSequencer from "./tests/helpers/sequencer.ts";

// Settings every project shares (a project does not inherit them: `extends: true` would also
// give it the root's globalSetup, i.e. a second PostgreSQL cluster).
const shared = {
  env: { NODE_ENV: "test" },
  pool: "forks",
  maxWorkers: 2,
  testTimeout: 30_000,
  hookTimeout: 120_000,
} as const;

export default defineConfig({
  test: {
    globalSetup: ["tests/helpers/global-setup.ts"],
    maxWorkers: 2,
    // Longest files first across both projects (tests/durations.json), so the workers end together.
    sequence: { sequencer: DurationSequencer },
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
    projects: [
      {
        test: {
          ...shared,
          name: "fast",
          include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
          // One worker runs file after file without re-importing the app (imports were ~40 % of
          // the workers' time); tests/helpers/module-state.ts resets the app's process-wide state.
          isolate: false,
          setupFiles: ["tests/helpers/module-state.ts"],
        },
      },
      { test: { ...shared, name: "e2e", include: ["tests/e2e/**/*.test.ts"] } },
    ],
  },
});
