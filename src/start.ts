import { spawn } from "node:child_process";

/**
 * `npm start`: runs src/server.ts in a process group of its own and forwards signals to it.
 * A terminal's Ctrl-C reaches every process of its foreground group, the embedded PostgreSQL
 * included, which then stopped before the app had closed; here only the server is told, and
 * it stops the cluster last. npm does not pass SIGTERM on to its script (it just exits), so
 * losing the parent counts as SIGTERM too: the server is never left orphaned and serving.
 */
const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
  stdio: "inherit",
  detached: true,
});
let told = false;
const tell = (signal: NodeJS.Signals) => {
  if (told) return;
  told = true;
  child.kill(signal);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(signal, () => tell(signal === "SIGHUP" ? "SIGTERM" : signal));
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid !== parent) tell("SIGTERM");
}, 500);
child.on("exit", (code, signal) => {
  clearInterval(watch);
  process.exit(code ?? (signal ? 1 : 0));
});
