import type { HttpBindings } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { faultEnvelope, readSoap, textFields } from "../soap.ts";
import type { FaultType, Operation } from "../types.ts";
import {
  controlRoutes,
  createControl,
  isResultCode,
  openable,
  type PolicyPatch,
  type SimulatorControl,
} from "./control.ts";
import {
  clientOperation,
  createOperation,
  detailOperation,
  SimFault,
  type SimulatorOptions,
} from "./operations.ts";
import { errorPage, paymentPage, RETURN_SCRIPT, returnPage, STYLESHEET } from "./page.ts";
import { type CallRecord, type InjectedFault, SimState } from "./state.ts";
import { wsdl } from "./wsdl.ts";

export interface PayfipSimulatorOptions extends SimulatorOptions {
  policy?: PolicyPatch;
}

export interface PayfipSimulator {
  app: Hono<{ Bindings: HttpBindings }>;
  control: SimulatorControl;
}

type Ctx = Context<{ Bindings: HttpBindings }>;

const XML = { "content-type": "text/xml; charset=utf-8" };

function soapFault(c: Ctx, type: FaultType, code: string, libelle: string): Response {
  return c.body(faultEnvelope({ type, code, descriptif: libelle, libelle }), 500, XML);
}

/** An injected failure (docs/payfip.md §5 "failure modes"), or undefined to answer normally. */
async function injected(c: Ctx, fault: InjectedFault, hangs: AbortSignal): Promise<Response | undefined> {
  switch (fault.kind) {
    case "soap":
      return soapFault(
        c,
        fault.type ?? "FonctionnelleErreur",
        fault.code,
        fault.libelle ?? `Erreur ${fault.code}`,
      );
    case "http":
      return c.html(
        `<html><body><h1>${fault.status} Service indisponible</h1></body></html>`,
        fault.status as 500,
      );
    case "invalid-xml":
      return c.body(`<?xml version='1.0'?><S:Envelope xmlns:S="urn:x"><S:Body><ns2:creer`, 200, XML);
    case "reset":
      c.env?.incoming?.socket.destroy();
      return c.body(null, 500);
    case "hang":
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, fault.ms ?? 60_000);
        hangs.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      return soapFault(c, "TechIndisponibiliteErreur", "999", "Délai dépassé");
  }
}

function answer(
  state: SimState,
  options: SimulatorOptions,
  name: string,
  fields: Record<string, string>,
): string {
  if (name === "creerPaiementSecurise") return createOperation(state, fields, options);
  if (name === "recupererDetailPaiementSecurise") return detailOperation(state, fields);
  return clientOperation(fields, options);
}

const OPERATIONS: readonly string[] = [
  "creerPaiementSecurise",
  "recupererDetailPaiementSecurise",
  "recupererDetailClient",
];

type Sim = { state: SimState; options: SimulatorOptions; hangs: AbortSignal; control: SimulatorControl };

async function readRequest(c: Ctx): Promise<{ name: string; fields: Record<string, string> } | undefined> {
  try {
    const message = readSoap(await c.req.text());
    if (message.kind !== "body" || !OPERATIONS.includes(message.name)) return undefined;
    return { name: message.name, fields: textFields(message.content.arg0) };
  } catch {
    return undefined;
  }
}

/** POST /tpa/services/securite: routes on the Body's first element, logs the call. */
async function soapRoute(c: Ctx, { state, options, hangs }: Sim): Promise<Response> {
  const request = await readRequest(c);
  if (!request) return soapFault(c, "TechProtocolaireErreur", "999", "Requête SOAP invalide");
  const { name, fields } = request;
  const record: CallRecord = { at: state.now(), operation: name, idOp: fields.idOp, status: 200 };
  state.calls.push(record);
  const fault = state.takeFault(name as Operation);
  const forced = fault && (await injected(c, fault, hangs));
  if (forced) {
    record.status = forced.status;
    record.fault = fault.kind === "soap" ? fault.code : fault.kind;
    return forced;
  }
  try {
    return c.body(answer(state, options, name, fields), 200, XML);
  } catch (error) {
    if (!(error instanceof SimFault)) throw error;
    record.status = 500;
    record.fault = error.code;
    return soapFault(c, "FonctionnelleErreur", error.code, error.libelle);
  }
}

function pageError(c: Ctx, error: unknown): Response {
  if (!(error instanceof SimFault)) throw error;
  return c.html(errorPage(error.code, error.libelle), error.code === "P1" ? 404 : 409);
}

/** The payment page, the outcome buttons' target, the return script and the stylesheet. */
function pageRoutes({ state, control }: Sim): Hono<{ Bindings: HttpBindings }> {
  const pages = new Hono<{ Bindings: HttpBindings }>();
  pages.get("/paiementws.web", (c) => {
    try {
      const op = openable(state, c.req.query("idop"));
      op.state = "PAGE_OPENED";
      return c.html(paymentPage(op));
    } catch (error) {
      return pageError(c, error);
    }
  });
  pages.post("/paiementws.web/submit", async (c) => {
    const form = await c.req.parseBody();
    const result = form.resultrans;
    if (!isResultCode(result)) return c.html(errorPage("P0", "Issue du paiement inconnue"), 400);
    try {
      const redirect = await control.complete(String(form.idop ?? ""), result);
      return state.policy.redirect === "302" ? c.redirect(redirect, 302) : c.html(returnPage(redirect));
    } catch (error) {
      return pageError(c, error);
    }
  });
  pages.get("/retour.js", (c) =>
    c.body(RETURN_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" }),
  );
  pages.get("/simulateur.css", (c) => c.body(STYLESHEET, 200, { "content-type": "text/css; charset=utf-8" }));
  return pages;
}

/** A faithful local PayFiP (docs/payfip.md §5) as its own Hono app, plus its test control. */
export function createPayfipSimulator(options: PayfipSimulatorOptions = {}): PayfipSimulator {
  const state = new SimState();
  const hangs = new AbortController();
  const control = createControl(state, hangs);
  if (options.policy) control.setPolicy(options.policy);
  const sim: Sim = { state, options, hangs: hangs.signal, control };
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.get("/tpa/services/securite", (c) => {
    if (c.req.query("wsdl") === undefined) return c.text("Utilisez POST (SOAP 1.1) ou ?wsdl", 405);
    return c.body(wsdl(`${new URL(c.req.url).origin}/tpa/services/securite`), 200, XML);
  });
  app.post("/tpa/services/securite", (c) => soapRoute(c, sim));
  app.route("/tpa", pageRoutes(sim));
  app.route("/__sim", controlRoutes(control));
  return { app, control };
}
