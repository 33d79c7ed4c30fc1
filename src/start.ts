import { spawn } from "node:child_process";

/**
 * `npm start`: runs src/server.ts in a process group of its own and forwards signals to it.
 * A terminal's Ctrl-C reaches every process of its foreground group, the embedded PostgreSQL
 * included, which then stopped before the app had closed; here only the server is told, and
 * it stops the cluster last. SIGTERM to npm reaches this process and is passed on the same way.
 */
const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
  stdio: "inherit",
  detached: true,
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(signal, () => child.kill(signal === "SIGHUP" ? "SIGTERM" : signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
