import { randomBytes } from "node:crypto";
import { REFDET_PATTERN } from "../rules.ts";
import { type Fields, responseEnvelope } from "../soap.ts";
import { CREATE_FIELD_ORDER, type CreateRequestFields, DETAIL_FIELD_ORDER, type Saisie } from "../types.ts";
import { type SimOperation, type SimState, uuidV1 } from "./state.ts";

/** The three SOAP operations: validation codes of docs/payfip.md §1.8, answers of §1.3, §1.6, §1.7. */

export interface ClientEntry {
  libelleN1?: string;
  libelleN2?: string;
  libelleN3?: string;
  /** false: the régie has no web-service access (T4). */
  secure?: boolean;
}

export interface SimulatorOptions {
  /** Known numcli; when absent every 6-digit numcli is accepted. */
  clients?: Record<string, ClientEntry>;
  minCents?: number;
  maxCents?: number;
}

/** A functional fault to answer with: code and the platform's wording. */
export class SimFault extends Error {
  constructor(
    readonly code: string,
    readonly libelle: string,
  ) {
    super(libelle);
  }
}

const httpUrl = (value: string | undefined) =>
  !!value && /^https?:\/\/[^\s/]+/.test(value) && value.length < 250;

function checkClient(numcli: string | undefined, options: SimulatorOptions): void {
  if (!numcli || !/^\d{6}$/.test(numcli)) throw new SimFault("T1", "Le numéro de client est invalide");
  const entry = options.clients ? options.clients[numcli] : {};
  if (!entry) throw new SimFault("T2", "Le numéro de client doit exister dans la base PayFiP");
  if (entry.secure === false) throw new SimFault("T4", "Le client n'a pas accès au paiement sécurisé");
}

function checkAmount(montant: string | undefined, options: SimulatorOptions): void {
  if (!montant || !/^\d+$/.test(montant))
    throw new SimFault("M1", "Le format du paramètre MONTANT n'est pas conforme");
  const cents = Number(montant);
  if (cents < (options.minCents ?? 100))
    throw new SimFault("M3", "Le montant est inférieur au minimum autorisé");
  if (cents > (options.maxCents ?? 10_000_000))
    throw new SimFault("M5", "Le montant est supérieur au maximum autorisé");
}

/** Validation in the observed order: client, refdet (R3), e-mail (A1/A2), amount, saisie, URLs. */
export function validateCreate(f: Record<string, string>, options: SimulatorOptions): CreateRequestFields {
  checkClient(f.numcli, options);
  if (!REFDET_PATTERN.test(f.refdet ?? "")) {
    throw new SimFault("R3", "Le format du paramètre REFDET n'est pas conforme");
  }
  if (!f.mel) throw new SimFault("A1", "Adresse mél absente");
  if (f.mel.length < 6 || f.mel.length > 80 || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(f.mel)) {
    throw new SimFault("A2", "Adresse mél incorrecte");
  }
  checkAmount(f.montant, options);
  if (!["T", "X", "W"].includes(f.saisie ?? ""))
    throw new SimFault("S1", "Le paramètre SAISIE n'est pas conforme");
  if (!httpUrl(f.urlnotif)) throw new SimFault("N1", "Le paramètre URLNOTIF n'est pas conforme");
  if (!httpUrl(f.urlredirect)) throw new SimFault("D1", "Le paramètre URLREDIRECT n'est pas conforme");
  const fields = Object.fromEntries(CREATE_FIELD_ORDER.map((k) => [k, f[k] ?? ""]));
  return { ...fields, saisie: f.saisie as Saisie } as CreateRequestFields;
}

export function createOperation(
  state: SimState,
  f: Record<string, string>,
  options: SimulatorOptions,
): string {
  const request = validateCreate(f, options);
  const idOp = uuidV1(state.now());
  state.operations.set(idOp, { idOp, request, createdAt: state.now(), state: "CREATED", notifications: [] });
  return responseEnvelope("creerPaiementSecurise", [["idOp", idOp]]);
}

const paris = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** `dattrans` DDMMYYYY and `heurtrans` HHMM in Europe/Paris. */
export function parisStamp(at: number): { dattrans: string; heurtrans: string } {
  const parts = Object.fromEntries(paris.formatToParts(at).map((p) => [p.type, p.value]));
  return { dattrans: `${parts.day}${parts.month}${parts.year}`, heurtrans: `${parts.hour}${parts.minute}` };
}

/** A numauto for a successful result; test mode carries the real platform's `-tip` suffix. */
export function makeNumauto(saisie: string): string {
  const digits = [...randomBytes(12)].map((b) => String(b % 10)).join("");
  return saisie === "T" ? `${digits}-tip` : randomBytes(3).toString("hex").toUpperCase();
}

/** P1 unknown (the idOp must be sent as `idOp`), P5 no result yet, else the full return. */
export function detailOperation(state: SimState, f: Record<string, string>): string {
  const op: SimOperation | undefined = f.idOp ? state.operations.get(f.idOp) : undefined;
  if (!op) throw new SimFault("P1", "IdOp incorrect");
  if (op.state === "CREATED" || op.state === "PAGE_OPENED") {
    throw new SimFault("P5", "Résultat de la transaction non connu");
  }
  const r = op.request;
  const values: Record<string, string | undefined> = {
    ...parisStamp(op.resultAt ?? state.now()),
    exer: state.policy.truncateExer && r.saisie === "T" ? r.exer.slice(0, 2) : r.exer,
    idOp: op.idOp,
    mel: r.mel,
    montant: r.montant,
    numauto: op.numauto,
    numcli: r.numcli,
    objet: r.objet,
    refdet: r.refdet,
    resultrans: op.state,
    saisie: r.saisie,
  };
  const fields: Fields = DETAIL_FIELD_ORDER.map((k) => [k, values[k]] as const);
  return responseEnvelope("recupererDetailPaiementSecurise", fields);
}

export function clientOperation(f: Record<string, string>, options: SimulatorOptions): string {
  checkClient(f.numCli, options);
  const numcli = f.numCli ?? "";
  const entry = options.clients?.[numcli] ?? {};
  return responseEnvelope("recupererDetailClient", [
    ["libelleN1", entry.libelleN1 ?? "COLLECTIVITE DE DEMONSTRATION"],
    ["libelleN2", entry.libelleN2 ?? "REGIE DE DEMONSTRATION"],
    ["libelleN3", entry.libelleN3 ?? ""],
    ["numcli", numcli],
  ]);
}
