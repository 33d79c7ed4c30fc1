import { XMLParser } from "fast-xml-parser";
import { type FaultDetail, type FaultType, FUNCTIONAL_FAULT, SERVICE_NS, SOAP_ENV_NS } from "./types.ts";

/** SOAP 1.1 envelopes of docs/payfip.md §1, built by hand (exact names) and read by local names. */

const REQUETE_NS = "http://securite.service.tpa.cp.finances.gouv.fr/requete";
const REPONSE_NS = "http://securite.service.tpa.cp.finances.gouv.fr/reponse";
const FAULT_TYPES: readonly FaultType[] = [
  "FonctionnelleErreur",
  "TechDysfonctionnementErreur",
  "TechIndisponibiliteErreur",
  "TechProtocolaireErreur",
];

export type Fields = ReadonlyArray<readonly [string, string | undefined]>;

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Unqualified children, in the given order; undefined values are left out. */
function children(fields: Fields): string {
  return fields
    .filter((f): f is readonly [string, string] => f[1] !== undefined)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join("");
}

/** A request as the working clients send it: `pai:<operation>` > unqualified `arg0` > fields. */
export function requestEnvelope(operation: string, fields: Fields): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}" xmlns:pai="${SERVICE_NS}">` +
    `<soapenv:Header/><soapenv:Body><pai:${operation}><arg0>${children(fields)}</arg0>` +
    `</pai:${operation}></soapenv:Body></soapenv:Envelope>`
  );
}

/** A response with the JAX-WS RI prefixes (`S`, `ns2`…), `return` and its fields unqualified. */
export function responseEnvelope(operation: string, fields: Fields): string {
  const name = `ns2:${operation}Response`;
  return (
    `<?xml version='1.0' encoding='UTF-8'?>` +
    `<S:Envelope xmlns:S="${SOAP_ENV_NS}"><S:Body>` +
    `<${name} xmlns:ns2="${SERVICE_NS}" xmlns:ns3="${REQUETE_NS}" xmlns:ns4="${REPONSE_NS}">` +
    `<return>${children(fields)}</return></${name}></S:Body></S:Envelope>`
  );
}

/** A SOAP fault; functional faults carry the exact faultstring eopayment compares to. */
export function faultEnvelope(fault: FaultDetail, faultstring?: string): string {
  const text = faultstring ?? `fr.gouv.finances.cp.tpa.webservice.exceptions.${fault.type}`;
  const detail = children([
    ["code", fault.code],
    ["descriptif", fault.descriptif],
    ["libelle", fault.libelle],
    ["message", fault.message],
    ["severite", fault.severite ?? "1"],
  ]);
  return (
    `<?xml version='1.0' encoding='UTF-8'?>` +
    `<S:Envelope xmlns:S="${SOAP_ENV_NS}"><S:Body><S:Fault>` +
    `<faultcode>S:Server</faultcode><faultstring>${escapeXml(text)}</faultstring>` +
    `<detail><ns2:${fault.type} xmlns:ns2="${SERVICE_NS}">${detail}</ns2:${fault.type}></detail>` +
    `</S:Fault></S:Body></S:Envelope>`
  );
}

export type SoapMessage =
  | { kind: "body"; name: string; content: Record<string, unknown> }
  | { kind: "fault"; faultstring: string; fault: FaultDetail | undefined };

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  ignoreDeclaration: true,
  trimValues: true,
});

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The text children of an element (nested elements and repeats are ignored). */
export function textFields(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record(value))) if (typeof v === "string") out[key] = v;
  return out;
}

function readFault(fault: Record<string, unknown>): SoapMessage {
  const detail = record(fault.detail);
  const type = FAULT_TYPES.find((t) => t in detail);
  const fields = type ? textFields(detail[type]) : {};
  return {
    kind: "fault",
    faultstring: typeof fault.faultstring === "string" ? fault.faultstring : "",
    fault: type ? { type, code: fields.code ?? "", ...fields } : undefined,
  };
}

/** Reads an envelope by local names, whatever the prefixes; throws on anything not SOAP. */
export function readSoap(xml: string): SoapMessage {
  const doc = record(parser.parse(xml, true));
  const body = record(record(doc.Envelope).Body);
  const name = Object.keys(body)[0];
  if (!name) throw new Error("not a SOAP envelope");
  if (name === "Fault") return readFault(record(body.Fault));
  return { kind: "body", name, content: record(body[name]) };
}

export function isFunctional(message: SoapMessage & { kind: "fault" }): boolean {
  return message.fault?.type === "FonctionnelleErreur" || message.faultstring === FUNCTIONAL_FAULT;
}
