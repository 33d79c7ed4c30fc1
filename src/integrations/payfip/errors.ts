import type { FaultDetail } from "./types.ts";

/** Base of every PayFiP error. `retryable`: a technical failure, never a refusal of payment. */
export class PayfipError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = new.target.name;
    this.retryable = retryable;
  }
}

/** Our own input checks, before any call (the field named is the wire field). */
export class PayfipInputError extends PayfipError {
  constructor(
    readonly field: "montant" | "refdet" | "numcli" | "mel" | "exer" | "url",
    message: string,
  ) {
    super(message, false);
  }
}

/** A `FonctionnelleErreur` fault: PayFiP rejected the request. */
export class PayfipFunctionalError extends PayfipError {
  constructor(readonly fault: FaultDetail) {
    super(functionalMessage(fault.code), false);
  }
  get code(): string {
    return this.fault.code;
  }
}

export type TechnicalKind = "timeout" | "network" | "http" | "soap" | "malformed";

/** Timeouts, network errors, HTTP 5xx, technical SOAP faults, unreadable answers. */
export class PayfipTechnicalError extends PayfipError {
  constructor(
    readonly kind: TechnicalKind,
    detail: string,
    options: { retryable?: boolean; status?: number; fault?: FaultDetail } = {},
  ) {
    super(
      `Le service de paiement PayFiP est momentanément indisponible (${detail}).`,
      options.retryable ?? true,
    );
    this.status = options.status;
    this.fault = options.fault;
  }
  readonly status: number | undefined;
  readonly fault: FaultDetail | undefined;
}

const FUNCTIONAL_MESSAGES: Record<string, string> = {
  A1: "L'adresse électronique du payeur est manquante.",
  A2: "L'adresse électronique du payeur est incorrecte.",
  D1: "L'adresse de retour après paiement est invalide.",
  M1: "Le format du montant est incorrect.",
  M3: "Le montant est inférieur au minimum autorisé (1,00 €).",
  M5: "Le montant dépasse le maximum autorisé.",
  N1: "L'adresse de notification du paiement est invalide.",
  P1: "Opération de paiement inconnue ou expirée.",
  P3: "Cette opération de paiement a déjà été utilisée.",
  P4: "Cette opération de paiement a expiré (plus de 15 minutes).",
  P5: "Le résultat du paiement n'est pas encore connu.",
  R3: "La référence de la dette (REFDET) n'est pas conforme.",
  S1: "Le mode de saisie du paiement est invalide.",
  T1: "Le numéro de client PayFiP de la régie est invalide.",
  T2: "Le numéro de client PayFiP de la régie est inconnu de PayFiP.",
  T4: "La régie n'a pas accès au paiement sécurisé PayFiP.",
};

/** A clear French message for a functional code; any other code is a generic rejection. */
export function functionalMessage(code: string): string {
  return FUNCTIONAL_MESSAGES[code] ?? `Le paiement a été refusé par PayFiP (code ${code || "inconnu"}).`;
}
