import { describe, expect, it } from "vitest";
import { functionalMessage, PayfipInputError } from "../../src/integrations/payfip/errors.ts";
import { attemptState, outcomeOf, toDetail } from "../../src/integrations/payfip/outcome.ts";
import {
  checkAmountCents,
  createRequestFields,
  makeRefdet,
  REFDET_PATTERN,
  sanitizeObjet,
} from "../../src/integrations/payfip/rules.ts";
import { readSoap, requestEnvelope } from "../../src/integrations/payfip/soap.ts";

function inputError(run: () => unknown): PayfipInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof PayfipInputError) return error;
    throw error;
  }
  throw new Error("expected a PayfipInputError");
}

describe("refdet", () => {
  it("is 6 to 30 letters or digits, starts with the prefix's and is unique per attempt", () => {
    const now = new Date("2026-11-22T08:30:15Z");
    const refs = Array.from({ length: 2000 }, () => makeRefdet("AL-", now));
    for (const ref of refs) expect(ref).toMatch(REFDET_PATTERN);
    expect(refs[0]).toMatch(/^AL20261122083015[A-Z2-9]{6}$/);
    expect(new Set(refs).size).toBe(refs.length);
    expect(makeRefdet("régie centre aéré mercredi")).toMatch(/^RGIECENTRE\d{14}[A-Z2-9]{6}$/);
  });
});

describe("objet", () => {
  it.each([
    ["Facture AL-2026-0012 — garderie d'école", "Facture AL 2026 0012 garderie d ecole"],
    ["Cœur & Éléphant : 12,50 €", "Coeur Elephant 1250"],
    ["  ", ""],
  ])("%s → %s", (input, expected) => {
    expect(sanitizeObjet(input)).toBe(expected);
  });

  it("is at most 100 characters and never ends with a space", () => {
    const out = sanitizeObjet(`${"a".repeat(99)} bcd`);
    expect(out).toBe("a".repeat(99));
    expect(sanitizeObjet("x".repeat(150))).toHaveLength(100);
  });
});

describe("amount", () => {
  it("accepts integer cents from 1,00 € to 100 000,00 €", () => {
    expect(checkAmountCents(100)).toBe(100);
    expect(checkAmountCents(10_000_000)).toBe(10_000_000);
  });

  it.each([
    [99, "à partir de 1,00"],
    [10_000_001, "limité à 100"],
    [12.5, "nombre entier de centimes"],
    [Number.NaN, "nombre entier de centimes"],
  ])("%s is refused in French", (cents, text) => {
    const error = inputError(() => checkAmountCents(cents));
    expect(error.field).toBe("montant");
    expect(error.message).toContain(text);
    expect(error.retryable).toBe(false);
  });

  it("honours a contract's own limits", () => {
    expect(inputError(() => checkAmountCents(1_000_000, { max: 999_999 })).message).toMatch(
      /limité à 9\s999,99\s€/u,
    );
  });
});

describe("creation fields", () => {
  const base = {
    endpoint: "http://x",
    numcli: "006270",
    exer: 2026,
    refdet: "ABCDEF",
    montantCents: 1500,
    mel: "a@b.fr",
    urlnotif: "https://n.example/",
    urlredirect: "https://r.example/",
    saisie: "W" as const,
  };

  it("keeps numcli's zeros, leaves out an empty objet and sends the XSD order", () => {
    const fields = createRequestFields({ ...base, objet: "!!!" });
    expect(fields).toEqual({
      exer: "2026",
      mel: "a@b.fr",
      montant: "1500",
      numcli: "006270",
      refdet: "ABCDEF",
      saisie: "W",
      urlnotif: "https://n.example/",
      urlredirect: "https://r.example/",
    });
    const xml = requestEnvelope("creerPaiementSecurise", Object.entries(fields));
    expect(xml).toContain(
      "<pai:creerPaiementSecurise><arg0><exer>2026</exer><mel>a@b.fr</mel><montant>1500</montant>",
    );
    expect(xml).not.toContain("<objet>");
  });

  it.each([
    [{ numcli: "6270" }, "numcli"],
    [{ exer: "26" }, "exer"],
    [{ refdet: "ABCDE" }, "refdet"],
    [{ refdet: "A".repeat(31) }, "refdet"],
    [{ mel: "ab.fr" }, "mel"],
    [{ urlnotif: "/notif" }, "url"],
  ])("refuses %o", (bad, field) => {
    expect(inputError(() => createRequestFields({ ...base, ...bad })).field).toBe(field);
  });

  it("escapes values and reads responses whatever the prefixes", () => {
    expect(requestEnvelope("x", [["objet", "a<b&c"]])).toContain("<objet>a&lt;b&amp;c</objet>");
    const message = readSoap(
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><p:creerPaiementSecuriseResponse xmlns:p="urn:p"><return><idOp>abc</idOp></return></p:creerPaiementSecuriseResponse></soap:Body></soap:Envelope>`,
    );
    expect(message).toEqual({
      kind: "body",
      name: "creerPaiementSecuriseResponse",
      content: { return: { idOp: "abc" } },
    });
  });
});

describe("outcomes and attempt states", () => {
  const detail = (resultrans: string) => toDetail({ resultrans, idOp: "x" });
  const created = new Date("2026-11-22T10:00:00Z");
  const at = (minutes: number) => new Date(created.getTime() + minutes * 60_000);

  it("maps resultrans and the lookup codes to the state machine of §4", () => {
    expect(attemptState(outcomeOf(detail("P")), created, at(1))).toBe("paid");
    expect(attemptState(outcomeOf(detail("V")), created, at(1))).toBe("paid");
    expect(attemptState(outcomeOf(detail("R")), created, at(1))).toBe("refused");
    expect(attemptState(outcomeOf(detail("Z")), created, at(1))).toBe("refused");
    expect(attemptState(outcomeOf(detail("A")), created, at(5))).toBe("pending");
    expect(attemptState(outcomeOf(detail("A")), created, at(21))).toBe("cancelled");
    expect(attemptState({ status: "pending" }, created, at(19))).toBe("pending");
    expect(attemptState({ status: "pending" }, created, at(21))).toBe("expired");
    expect(attemptState({ status: "unknown" }, created, at(1))).toBe("expired");
    expect(attemptState(outcomeOf(detail("Q")), created, at(1))).toBe("error");
  });

  it("has a French message for each known code and a generic one otherwise", () => {
    expect(functionalMessage("R3")).toBe("La référence de la dette (REFDET) n'est pas conforme.");
    expect(functionalMessage("X9")).toBe("Le paiement a été refusé par PayFiP (code X9).");
  });
});
