import { formatCents } from "../rules.ts";
import { escapeXml as esc } from "../soap.ts";
import type { SimOperation } from "./state.ts";

/** Server-rendered pages of the simulated paiementws.web: no inline script or style. */

function layout(title: string, body: string, script = ""): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — PayFiP (simulateur)</title>${script}</head>
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

export const RETURN_SCRIPT = `document.getElementById("retour").submit();\n`;
