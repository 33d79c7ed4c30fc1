import { XMLValidator } from "fast-xml-parser";
import { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readIdOp } from "../../src/integrations/payfip/callback.ts";
import {
  clientDetail,
  createPayment,
  paymentDetail,
  soapEndpoint,
} from "../../src/integrations/payfip/client.ts";
import {
  PayfipFunctionalError,
  PayfipInputError,
  PayfipTechnicalError,
} from "../../src/integrations/payfip/errors.ts";
import type { RunningSimulator } from "../../src/integrations/payfip/simulator/server.ts";
import type { InjectedFault } from "../../src/integrations/payfip/simulator/state.ts";
import { readSoap, requestEnvelope } from "../../src/integrations/payfip/soap.ts";
import { startSimulator } from "./payfip-fixture.ts";

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const endpoint = () => soapEndpoint(sim.url);
const input = (overrides: Partial<Parameters<typeof createPayment>[0]> = {}) => ({
  endpoint: endpoint(),
  numcli: "090909",
  exer: "2026",
  refdet: "REFDET2026TEST01",
  montantCents: 1000,
  mel: "john.doe@example.com",
  urlnotif: "http://127.0.0.1:9/notif",
  urlredirect: "http://127.0.0.1:9/retour",
  saisie: "T" as const,
  ...overrides,
});
const fast = { retries: 0, timeoutMs: 2000 };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

async function raw(operation: string, fields: [string, string][]) {
  const response = await fetch(endpoint(), { method: "POST", body: requestEnvelope(operation, fields) });
  return { status: response.status, message: readSoap(await response.text()) };
}

describe("functional faults", () => {
  it.each([
    ["T2", { numcli: "999999" }, "inconnu de PayFiP"],
    ["T4", { numcli: "123456" }, "pas accès au paiement sécurisé"],
  ])("%s from the simulator's own checks, in French, not retryable", async (code, overrides, text) => {
    const error = await rejection(createPayment(input(overrides)));
    expect(error).toBeInstanceOf(PayfipFunctionalError);
    expect((error as PayfipFunctionalError).code).toBe(code);
    expect(error.message).toContain(text);
    expect((error as PayfipFunctionalError).retryable).toBe(false);
  });

  it.each([
    ["R3", [["refdet", "ABCD"]]],
    [
      "A2",
      [
        ["refdet", "ABCDEF"],
        ["mel", "pas-une-adresse"],
      ],
    ],
    ["M3", [["montant", "99"]]],
    ["M5", [["montant", "9990000001"]]],
    ["S1", [["saisie", "Q"]]],
    ["N1", [["urlnotif", "notif"]]],
  ] as [string, [string, string][]][])(
    "a bad request sent anyway gets %s with the exact faultstring",
    async (code, bad) => {
      const fields = new Map(
        Object.entries({ exer: "2026", mel: "a.b@example.com", montant: "1000", numcli: "090909" }),
      );
      for (const [k, v] of [...Object.entries({ refdet: "ABCDEFGH", saisie: "T" }), ...bad]) fields.set(k, v);
      fields.set("urlnotif", fields.get("urlnotif") ?? "https://n.example.com/");
      fields.set("urlredirect", "https://r.example.com/");
      const { status, message } = await raw("creerPaiementSecurise", [...fields]);
      expect(status).toBe(500);
      expect(message).toMatchObject({
        kind: "fault",
        faultstring: "fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur",
        fault: { type: "FonctionnelleErreur", code },
      });
    },
  );

  it("reads `idOp` case-sensitively: a lower-case `idop` is P1", async () => {
    const { idOp } = await createPayment(input());
    const { message } = await raw("recupererDetailPaiementSecurise", [["idop", idOp]]);
    expect(message).toMatchObject({ kind: "fault", fault: { code: "P1" } });
    expect((await raw("recupererDetailPaiementSecurise", [["idOp", idOp]])).message).toMatchObject({
      fault: { code: "P5" },
    });
  });

  it("an injected functional fault (A2) is typed with its French message", async () => {
    sim.control.injectFault("creerPaiementSecurise", { kind: "soap", code: "A2" });
    const error = await rejection(createPayment(input()));
    expect(error).toBeInstanceOf(PayfipFunctionalError);
    expect(error.message).toBe("L'adresse électronique du payeur est incorrecte.");
  });

  it("our own checks stop a bad amount or refdet before any call", async () => {
    for (const bad of [{ montantCents: 99 }, { montantCents: 10.5 }, { refdet: "ABC-DEF" }]) {
      expect(await rejection(createPayment(input(bad)))).toBeInstanceOf(PayfipInputError);
    }
    expect(sim.control.calls()).toEqual([]);
  });
});

describe("technical failures are retryable, never a refusal", () => {
  const detailCases: [string, InjectedFault, string][] = [
    ["HTTP 500 with an HTML body", { kind: "http", status: 500 }, "http"],
    ["HTTP 503", { kind: "http", status: 503 }, "http"],
    [
      "TechDysfonctionnementErreur 999",
      { kind: "soap", type: "TechDysfonctionnementErreur", code: "999" },
      "soap",
    ],
    ["FonctionnelleErreur 999", { kind: "soap", code: "999" }, "soap"],
    ["TechIndisponibiliteErreur", { kind: "soap", type: "TechIndisponibiliteErreur", code: "1" }, "soap"],
    ["truncated XML", { kind: "invalid-xml" }, "malformed"],
    ["a reset connection", { kind: "reset" }, "network"],
  ];

  it.each(detailCases)("%s on the lookup", async (_label, fault, kind) => {
    const { idOp } = await createPayment(input());
    sim.control.injectFault("recupererDetailPaiementSecurise", fault);
    const error = await rejection(paymentDetail({ endpoint: endpoint(), idOp }, fast));
    expect(error).toBeInstanceOf(PayfipTechnicalError);
    expect(error).toMatchObject({ kind, retryable: true });
    expect(error.message).toContain("momentanément indisponible");
  });

  it("a hanging lookup times out as retryable", async () => {
    const { idOp } = await createPayment(input());
    sim.control.injectFault("recupererDetailPaiementSecurise", { kind: "hang", ms: 5000 });
    const started = Date.now();
    const error = await rejection(
      paymentDetail({ endpoint: endpoint(), idOp }, { retries: 0, timeoutMs: 200 }),
    );
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("the lookup is retried with backoff and succeeds after two failures", async () => {
    const { idOp } = await createPayment(input());
    await sim.control.complete(idOp, "P");
    sim.control.injectFault("recupererDetailPaiementSecurise", { kind: "http", status: 502 }, 2);
    const outcome = await paymentDetail({ endpoint: endpoint(), idOp }, { retries: 2, backoffMs: 10 });
    expect(outcome).toMatchObject({ status: "paid", method: "card" });
    expect(sim.control.calls().map((c) => c.status)).toEqual([200, 502, 502, 200]);
  });

  it("gives up after the bounded retries", async () => {
    const { idOp } = await createPayment(input());
    sim.control.injectFault("recupererDetailPaiementSecurise", { kind: "http", status: 500 }, 5);
    const error = await rejection(
      paymentDetail({ endpoint: endpoint(), idOp }, { retries: 1, backoffMs: 5 }),
    );
    expect(error).toMatchObject({ retryable: true, status: 500 });
    expect(sim.control.calls()).toHaveLength(3);
  });

  it("creation is never retried", async () => {
    sim.control.injectFault("creerPaiementSecurise", { kind: "http", status: 503 });
    const error = await rejection(createPayment(input(), { retries: 3, backoffMs: 1 }));
    expect(error).toMatchObject({ retryable: true, status: 503 });
    expect(sim.control.calls()).toHaveLength(1);
  });

  it("a refused connection is a retryable network error", async () => {
    const error = await rejection(paymentDetail({ endpoint: "http://127.0.0.1:1/x", idOp: "x" }, fast));
    expect(error).toMatchObject({ kind: "network", retryable: true });
  });

  it("a malformed request gets a technical fault", async () => {
    const response = await fetch(endpoint(), { method: "POST", body: "<pas du soap" });
    expect(response.status).toBe(500);
    expect(readSoap(await response.text())).toMatchObject({ fault: { type: "TechProtocolaireErreur" } });
  });
});

describe("JSON control API", () => {
  const api = (path: string, method: string, body?: unknown) =>
    fetch(`${sim.url}/__sim${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });

  it("sets the policy, injects faults, moves the clock, purges and resets", async () => {
    const policy = (await (
      await api("/policy", "PUT", { redirect: "302", notification: { copies: 3 } })
    ).json()) as {
      redirect: string;
      notification: { copies: number; mode: string };
    };
    expect(policy).toMatchObject({ redirect: "302", notification: { copies: 3, mode: "immediate" } });
    expect((await api("/faults", "POST", { operation: "nope", fault: { kind: "reset" } })).status).toBe(400);
    await api("/faults", "POST", { operation: "creerPaiementSecurise", fault: { kind: "soap", code: "T1" } });
    expect(await rejection(createPayment(input()))).toMatchObject({ code: "T1" });
    const { idOp } = await createPayment(input());
    expect((await api(`/operations/${idOp}/outcome`, "POST", { resultrans: "K" })).status).toBe(400);
    await api("/clock", "POST", { advanceMs: 16 * 60_000 });
    expect(
      await (await api(`/operations/${idOp}/outcome`, "POST", { resultrans: "P" })).json(),
    ).toMatchObject({
      code: "P4",
    });
    expect(await (await api("/purge", "POST")).json()).toEqual({ purged: 1 });
    const calls = (await (await api("/calls", "GET")).json()) as { fault?: string }[];
    expect(calls.map((c) => c.fault)).toEqual(["T1", undefined]);
    await api("/reset", "POST");
    expect(await (await api("/operations", "GET")).json()).toEqual([]);
    expect(sim.control.setPolicy({}).redirect).toBe("form");
  });
});

describe("client details, WSDL, callbacks", () => {
  it("recupererDetailClient checks a numcli", async () => {
    expect(await clientDetail({ endpoint: endpoint(), numcli: "090909" })).toMatchObject({
      libelleN2: "POUETPOUET",
      numcli: "090909",
    });
    const error = await rejection(clientDetail({ endpoint: endpoint(), numcli: "000001" }));
    expect(error).toMatchObject({ code: "T2", retryable: false });
  });

  it("serves a WSDL whose soap:address is the simulator", async () => {
    const text = await (await fetch(`${endpoint()}?wsdl`)).text();
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text).toContain(`<soap:address location="${endpoint()}"/>`);
    for (const op of ["creerPaiementSecurise", "recupererDetailPaiementSecurise", "recupererDetailClient"]) {
      expect(text).toContain(`<operation name="${op}">`);
    }
  });

  it("readIdOp takes idop or idOp from the query or a form body, and nothing else", async () => {
    const app = new Hono().all("/r", async (c) => c.json({ idOp: await readIdOp(c) }));
    const id = "e9cc332f-6316-4141-8b48-0b91420022f0";
    const read = async (path: string, init?: RequestInit) =>
      ((await (await app.request(path, init)).json()) as { idOp: string | null }).idOp;
    expect(await read(`/r?idop=${id}`)).toBe(id);
    expect(await read(`/r?IDOP=${id}`)).toBe(id);
    expect(await read("/r", { method: "POST", body: new URLSearchParams({ idOp: id }) })).toBe(id);
    expect(await read("/r", { method: "POST", body: new URLSearchParams({ other: id }) })).toBeNull();
    expect(await read("/r?idop=not-a-uuid")).toBeNull();
    expect(await read("/r", { method: "POST", body: JSON.stringify({ idop: id }) })).toBeNull();
  });
});
