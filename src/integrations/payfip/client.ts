import { PayfipError, PayfipFunctionalError, PayfipTechnicalError } from "./errors.ts";
import { outcomeOf, toDetail } from "./outcome.ts";
import { createRequestFields } from "./rules.ts";
import { type Fields, isFunctional, readSoap, requestEnvelope, textFields } from "./soap.ts";
import {
  type CallOptions,
  type ClientDetail,
  CREATE_FIELD_ORDER,
  type CreatePaymentInput,
  type Operation,
  type PaymentOutcome,
} from "./types.ts";

/** The real service (docs/payfip.md §1.1); the simulator serves the same paths on its own base. */
export const PAYFIP_BASE = "https://www.payfip.gouv.fr";

export function soapEndpoint(base: string): string {
  return `${base.replace(/\/+$/, "")}/tpa/services/securite`;
}

/**
 * A page's time budget for PayFiP (architecture: a parent waits ~10 s at most): every call and
 * retry under one deadline, each call cut at what is left. `capMs` bounds it further.
 */
export function withinBudget(budgetMs = 10_000, capMs = Number.POSITIVE_INFINITY): CallOptions {
  const ms = Math.min(budgetMs, capMs);
  return { signal: AbortSignal.timeout(ms), timeoutMs: Math.min(15_000, ms) };
}

/** Where to send the citizen's browser (§1.4): lower-case `idop`. */
export function paymentPageUrl(base: string, idOp: string): string {
  return `${base.replace(/\/+$/, "")}/tpa/paiementws.web?idop=${encodeURIComponent(idOp)}`;
}

async function post(
  endpoint: string,
  xml: string,
  options: CallOptions,
): Promise<{ status: number; text: string }> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""' },
      body: xml,
      signal,
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (timeout.aborted) throw new PayfipTechnicalError("timeout", "délai de réponse dépassé");
    throw new PayfipTechnicalError("network", `connexion impossible : ${(error as Error).cause ?? error}`);
  }
}

/** One SOAP call: the `return` element's content, or a typed error (§4's five cases). */
async function call(endpoint: string, operation: Operation, fields: Fields, options: CallOptions) {
  const { status, text } = await post(endpoint, requestEnvelope(operation, fields), options);
  let message: ReturnType<typeof readSoap>;
  try {
    message = readSoap(text);
  } catch {
    const detail = status >= 400 ? `HTTP ${status}` : "réponse illisible";
    const retryable = status < 400 || status >= 500 || status === 429;
    throw new PayfipTechnicalError(status >= 400 ? "http" : "malformed", detail, { status, retryable });
  }
  if (message.kind === "fault") {
    if (isFunctional(message) && message.fault && message.fault.code !== "999") {
      throw new PayfipFunctionalError(message.fault);
    }
    const code = message.fault ? `${message.fault.type} ${message.fault.code}` : message.faultstring;
    throw new PayfipTechnicalError("soap", `erreur technique ${code}`.trim(), {
      status,
      fault: message.fault,
    });
  }
  if (status >= 300 || message.name !== `${operation}Response`) {
    throw new PayfipTechnicalError("malformed", `réponse inattendue (HTTP ${status})`, { status });
  }
  return textFields(message.content.return);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Idempotent calls only: retries retryable errors with a doubling delay. */
async function withRetry<T>(options: CallOptions, run: () => Promise<T>): Promise<T> {
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof PayfipError) || !error.retryable || attempt >= retries) throw error;
      await sleep((options.backoffMs ?? 500) * 2 ** attempt, options.signal);
    }
  }
}

/**
 * `creerPaiementSecurise` (§1.3): validates locally, then asks for an idOp. Never retried:
 * a lost answer may have created an operation; the caller starts a new attempt instead.
 */
export async function createPayment(
  input: CreatePaymentInput,
  options: CallOptions = {},
): Promise<{ idOp: string }> {
  const wire = createRequestFields(input);
  const fields = CREATE_FIELD_ORDER.map((name) => [name, wire[name]] as const);
  const result = await call(input.endpoint, "creerPaiementSecurise", fields, options);
  if (!result.idOp) throw new PayfipTechnicalError("malformed", "idOp absent de la réponse");
  return { idOp: result.idOp };
}

/**
 * `recupererDetailPaiementSecurise` (§1.6), the only source of truth: P5 → pending, P1 →
 * unknown (never created, or purged), a result → its outcome. Retried when technical.
 */
export async function paymentDetail(
  input: { endpoint: string; idOp: string },
  options: CallOptions = {},
): Promise<PaymentOutcome> {
  return withRetry(options, async () => {
    try {
      const result = await call(
        input.endpoint,
        "recupererDetailPaiementSecurise",
        [["idOp", input.idOp]],
        options,
      );
      return outcomeOf(toDetail(result));
    } catch (error) {
      if (error instanceof PayfipFunctionalError && error.code === "P5") return { status: "pending" };
      if (error instanceof PayfipFunctionalError && error.code === "P1") return { status: "unknown" };
      throw error;
    }
  });
}

/** `recupererDetailClient` (§1.7): checks a régie's numcli; a fault means it is not usable. */
export async function clientDetail(
  input: { endpoint: string; numcli: string },
  options: CallOptions = {},
): Promise<ClientDetail> {
  return withRetry(options, async () => {
    const result = await call(input.endpoint, "recupererDetailClient", [["numCli", input.numcli]], options);
    return {
      libelleN1: result.libelleN1 ?? "",
      libelleN2: result.libelleN2 ?? "",
      libelleN3: result.libelleN3 ?? "",
      numcli: result.numcli ?? input.numcli,
    };
  });
}
