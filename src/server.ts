import { DEMO_LETTER_PASSWORD, DEMO_OPERATOR, DEMO_PASSWORD, DEMO_TOWNS } from "./demo/seed.ts";
import { type Env, publicOrigin } from "./env.ts";
import { runProcess } from "./run.ts";

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

// Everything in one process: the demo, `npm start`, a single small instance.
await runProcess({ prepare: true, web: true, worker: true }, (platform, e) => {
  if (e.DEMO) process.stdout.write(`${demoBanner(e, platform.port, platform.payfipUrl)}\n`);
});
