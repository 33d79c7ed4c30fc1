import { formatCents } from "../rules.ts";
import { escapeXml as esc } from "../soap.ts";
import type { SimOperation } from "./state.ts";

/** Server-rendered pages of the simulated paiementws.web: no inline script or style. */

function layout(title: string, body: string, script = ""): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — PayFiP (simulateur)</title>
<link rel="stylesheet" href="/tpa/simulateur.css">${script}</head>
<body><header><p>PayFiP — simulateur local, aucun paiement réel</p></header>
<main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

const OUTCOMES = [
  ["P", "Payer par carte bancaire (paiement accepté)"],
  ["V", "Payer par prélèvement (paiement accepté)"],
  ["R", "Refus du paiement par carte"],
  ["Z", "Refus du prélèvement"],
  ["A", "Abandonner le paiement"],
] as const;

export function paymentPage(op: SimOperation): string {
  const r = op.request;
  const buttons = OUTCOMES.map(
    ([code, label]) => `<button type="submit" name="resultrans" value="${code}">${esc(label)}</button>`,
  ).join("\n");
  return layout(
    "Paiement en ligne",
    `<dl><dt>Objet</dt><dd>${esc(r.objet || "—")}</dd>
<dt>Référence</dt><dd>${esc(r.refdet)}</dd>
<dt>Montant</dt><dd>${esc(formatCents(Number(r.montant)))}</dd>
<dt>Adresse électronique</dt><dd>${esc(r.mel)}</dd>
<dt>Mode</dt><dd>${r.saisie === "T" ? "test" : r.saisie === "X" ? "activation" : "production"}</dd></dl>
<form method="post" action="/tpa/paiementws.web/submit">
<input type="hidden" name="idop" value="${esc(op.idOp)}">
<fieldset><legend>Choisissez l'issue du paiement</legend>
${buttons}
</fieldset></form>`,
  );
}

const ERRORS: Record<string, string> = {
  P1: "Cette opération de paiement est inconnue.",
  P3: "Cette opération de paiement a déjà été utilisée.",
  P4: "Cette opération de paiement a expiré : elle date de plus de 15 minutes.",
};

export function errorPage(code: string, libelle: string): string {
  return layout(
    "Paiement impossible",
    `<p role="alert">${esc(ERRORS[code] ?? libelle)}</p><p>Code PayFiP : ${esc(code)} (${esc(libelle)})</p>`,
  );
}

/** Back to the town's site: a form POST carrying idop, auto-submitted by an external script. */
export function returnPage(redirect: string): string {
  const url = new URL(redirect);
  const idop = url.searchParams.get("idop") ?? "";
  url.searchParams.delete("idop");
  return layout(
    "Paiement terminé",
    `<form id="retour" method="post" action="${esc(url.toString())}">
<input type="hidden" name="idop" value="${esc(idop)}">
<button type="submit">Retourner sur le site de la collectivité</button></form>`,
    `<script src="/tpa/retour.js" defer></script>`,
  );
}

/**
 * Readable on a phone as on a desktop: long values (an 80-character address) wrap, the outcome
 * buttons are full-width touch targets, focus is visible. Contrast ≥ 4.5:1 everywhere.
 */
export const STYLESHEET = `*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,sans-serif;color:#1e1e1e;background:#f6f6f6}
header{background:#000091;color:#fff;padding:.75rem 1rem}
header p{margin:0;max-width:40rem;margin-inline:auto;font-weight:600}
main{max-width:40rem;margin:1rem auto;padding:1rem;background:#fff}
h1{font-size:1.5rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:minmax(0,1fr);gap:.25rem;margin:0 0 1.5rem}
dt{font-weight:600}
dd{margin:0 0 .5rem;overflow-wrap:anywhere}
p{overflow-wrap:anywhere}
fieldset{min-inline-size:0;margin:0;border:1px solid #666;padding:1rem}
legend{font-weight:600;padding:0 .25rem}
button{display:block;width:100%;min-height:2.75rem;margin:.5rem 0;padding:.5rem 1rem;font:inherit;
color:#fff;background:#000091;border:0;border-radius:.25rem;cursor:pointer;text-align:center}
button[value=R],button[value=Z],button[value=A]{color:#000091;background:#fff;border:1px solid #000091}
button:hover{text-decoration:underline}
button:focus-visible{outline:3px solid #0a76f6;outline-offset:2px}
[role=alert]{border-left:4px solid #ce0500;padding-left:.75rem;color:#ce0500;font-weight:600}
`;

export const RETURN_SCRIPT = `document.getElementById("retour").submit();\n`;
