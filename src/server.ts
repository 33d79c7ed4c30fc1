import { DEMO_LETTER_PASSWORD, DEMO_OPERATOR, DEMO_PASSWORD, DEMO_TOWNS } from "./demo/seed.ts";
import { type Env, loadEnv, publicOrigin } from "./env.ts";
import { createLogger } from "./lib/log.ts";
import { startPlatform } from "./platform.ts";

const env = loadEnv();
const log = createLogger(env.LOG_LEVEL, env.NODE_ENV === "development");

function demoBanner(e: Env, port: number, payfipUrl: string | undefined): string {
  const at = (host: string) => publicOrigin({ ...e, PORT: port }, `${host}.${e.PLATFORM_DOMAIN}`);
  const lines = ["", "Parvis est prêt.", ""];
  for (const town of DEMO_TOWNS) {
    lines.push(`  ${at(town.slug)}/`);
    for (const h of town.households) {
      for (const p of h.parents) {
        const id = p.login ?? p.email;
        lines.push(
          `    parent  ${id}  /  ${p.password ?? DEMO_PASSWORD}${p.mustChange ? "  (à changer à la 1re connexion)" : ""}`,
        );
      }
    }
    for (const s of town.staff)
      lines.push(`    ${s.role.padEnd(6)}  ${s.email}  /  ${DEMO_PASSWORD}   (${at(town.slug)}/agents)`);
  }
  lines.push(`  ${at("admin")}/   opérateur  ${DEMO_OPERATOR.email}  /  ${DEMO_PASSWORD}`);
  lines.push(`  ${at("mail")}/    boîte aux lettres de démonstration`);
  if (payfipUrl) lines.push(`  ${payfipUrl}/   simulateur PayFiP (paiement en ligne de démonstration)`);
  lines.push(`  (courrier Plombières : ${DEMO_LETTER_PASSWORD})`, "");
  return lines.join("\n");
}

const platform = await startPlatform(env, log, { listen: true });
log.info({ port: platform.port }, "listening");
if (env.DEMO) process.stdout.write(`${demoBanner(env, platform.port, platform.payfipUrl)}\n`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    platform.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}
