/** Wire types of the PayFiP Régie web service (docs/payfip.md §1). Every field stays a string. */

export const SERVICE_NS =
  "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService";
export const SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/";
export const FUNCTIONAL_FAULT = "fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur";

/** `T` test (no real debit), `X` activation, `W` production. */
export type Saisie = "T" | "X" | "W";

export type Operation = "creerPaiementSecurise" | "recupererDetailPaiementSecurise" | "recupererDetailClient";

export type FaultType =
  | "FonctionnelleErreur"
  | "TechDysfonctionnementErreur"
  | "TechIndisponibiliteErreur"
  | "TechProtocolaireErreur";

export interface FaultDetail {
  type: FaultType;
  code: string;
  descriptif?: string;
  libelle?: string;
  message?: string;
  severite?: string;
}

/** Fields of `creerPaiementSecurise/arg0`, in the XSD (alphabetical) order. */
export interface CreateRequestFields {
  exer: string;
  mel: string;
  montant: string;
  numcli: string;
  objet?: string;
  refdet: string;
  saisie: Saisie;
  urlnotif: string;
  urlredirect: string;
}

export const CREATE_FIELD_ORDER = [
  "exer",
  "mel",
  "montant",
  "numcli",
  "objet",
  "refdet",
  "saisie",
  "urlnotif",
  "urlredirect",
] as const;

/** `recupererDetailPaiementSecuriseResponse/return`, in the XSD order. */
export interface PaymentDetail {
  dattrans: string;
  exer: string;
  heurtrans: string;
  idOp: string;
  mel: string;
  montant: string;
  numauto?: string;
  numcli: string;
  objet: string;
  refdet: string;
  resultrans: string;
  saisie: string;
}

export const DETAIL_FIELD_ORDER = [
  "dattrans",
  "exer",
  "heurtrans",
  "idOp",
  "mel",
  "montant",
  "numauto",
  "numcli",
  "objet",
  "refdet",
  "resultrans",
  "saisie",
] as const;

export interface ClientDetail {
  libelleN1: string;
  libelleN2: string;
  libelleN3: string;
  numcli: string;
}

/**
 * What a lookup says about an attempt. `abandoned` is not final during the first minutes
 * (the idOp may still be paid): see attemptState().
 */
export type PaymentOutcome =
  | { status: "paid"; method: "card" | "debit"; detail: PaymentDetail }
  | { status: "refused"; method: "card" | "debit"; detail: PaymentDetail }
  | { status: "abandoned"; detail: PaymentDetail }
  | { status: "pending" }
  | { status: "unknown" }
  | { status: "unexpected"; detail: PaymentDetail };

export interface CreatePaymentInput {
  endpoint: string;
  numcli: string;
  exer: string | number;
  refdet: string;
  objet?: string;
  montantCents: number;
  mel: string;
  urlnotif: string;
  urlredirect: string;
  saisie: Saisie;
}

export interface CallOptions {
  /** Per HTTP call (default 15 000 ms, as eopayment). */
  timeoutMs?: number;
  /** Lookups only: further tries after a retryable error (default 2). */
  retries?: number;
  /** First backoff delay, doubled at each retry (default 500 ms). */
  backoffMs?: number;
  signal?: AbortSignal;
}

/** Where PayFiP answers (the State's service, or the simulator in the demo) and in which mode. */
export interface PayfipSettings {
  base: string;
  saisie: Saisie;
  /** What one page may spend waiting for PayFiP (ms); 10 s when absent. */
  budgetMs?: number;
}
