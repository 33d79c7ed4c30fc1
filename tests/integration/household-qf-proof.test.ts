/**
 * « Mon foyer » (issue 3, item 2): the quotient familial and the document that proves it, on the
 * parent's « Informations complémentaires » and next to the QF on the staff's household file.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { type Client, documentsOf, FILES, loggedIn, SENE, tenantId, upload } from "./documents-fixtures.ts";

let p: TestPlatform;
let parent: Client;
let staff: Client;
let mine: string;
let other: string;
beforeAll(async () => {
  p = await createTestPlatform();
  parent = await loggedIn(p, SENE, "lola.test@sene.test", "10.34.0.1");
  staff = await loggedIn(p, SENE, "agent@sene.test", "10.34.0.2", "/agents");
  const tenant_id = tenantId(p, "sene");
  mine = (
    await p.owner
      .selectFrom("households")
      .select("id")
      .where("tenant_id", "=", tenant_id)
      .where("number", "=", "1001")
      .executeTakeFirstOrThrow()
  ).id;
  // Another household of the same town, with its own validated attestation (owner: set-up only).
  other = (
    await p.owner
      .insertInto("households")
      .values({ tenant_id, number: "1999", name: "Famille AUTRE" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  await p.owner
    .insertInto("documents")
    .values({
      tenant_id,
      household_id: other,
      child_id: null,
      type: "attestation_qf",
      filename: "autre-foyer.pdf",
      mime: "application/pdf",
      size: FILES.pdf.length,
      sha256: "0".repeat(64),
      content: FILES.pdf,
      state: "validated",
      uploaded_by: randomUUID(),
    })
    .execute();
});
afterAll(async () => {
  await p?.close();
});

/** The « Justificatif du quotient familial » entry of a page, its tags dropped. */
async function proofOn(c: Client, path: string): Promise<string> {
  const res = await c.get(path);
  expect(res.status).toBe(200);
  const html = await res.text();
  const block = html.match(
    /<dt>Justificatif du quotient familial<\/dt>\s*<dd class="qf-proof">([\s\S]*?)<\/dd>/,
  );
  expect(block, `no proof on ${path}`).not.toBeNull();
  return (block?.[1] ?? "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
const onFoyer = () => proofOn(parent, "/foyer");
const onFile = (id = mine) => proofOn(staff, `/agents/foyers/${id}`);
const latest = async () => (await documentsOf(p, "sene")).filter((d) => d.household_id === mine).at(-1);

const UPLOAD_LINK = 'href="/documents?type=attestation_qf#household-title">Déposer l\'attestation</a>';

describe("the proof of the quotient familial", () => {
  it("none yet: « Aucun justificatif » and a link to upload it; another household's never shows", async () => {
    expect(await onFoyer()).toBe("Attestation QF CAF ou MSA : Aucun justificatif Déposer l'attestation");
    expect(await (await parent.get("/foyer")).text()).toContain(UPLOAD_LINK);
    expect(await onFile()).toBe("Attestation QF CAF ou MSA : Aucun justificatif");
    expect(await onFile(other)).toMatch(/^Attestation QF CAF ou MSA : Validé \( autre-foyer\.pdf ,/);
  });

  it("« Mes documents » preselects the type the link asks for, and only a type of the town", async () => {
    const html = await (await parent.get("/documents?type=attestation_qf")).text();
    expect(html).toContain('<option value="attestation_qf" selected>Attestation QF CAF ou MSA</option>');
    const plain = await (await parent.get("/documents?type=inconnu")).text();
    expect(plain).not.toContain(" selected>");
  });

  it("after an upload: « Déposé », for the parent and for the staff", async () => {
    const pdf = { name: "qf-2026.pdf", bytes: FILES.pdf };
    const res = await upload(p, parent, SENE, "/documents/depot/foyer", { type: "attestation_qf" }, pdf);
    expect(res.status).toBe(303);
    expect(await onFoyer()).toMatch(
      /: Déposé \( qf-2026\.pdf , déposé le [\d/]+\) En attente de vérification/,
    );
    expect(await onFile()).toMatch(/: Déposé \( qf-2026\.pdf ,/);
    expect(await onFoyer()).not.toContain("autre-foyer.pdf");
  });

  it("after the staff refuse it: « Refusé » with the reason", async () => {
    const doc = await latest();
    const reason = "Attestation illisible, merci de la déposer à nouveau.";
    expect((await staff.post(`/agents/documents/${doc?.id}/refuser`, { reason })).status).toBe(303);
    expect(await onFoyer()).toContain(`: Refusé ( qf-2026.pdf ,`);
    expect(await onFoyer()).toContain(`Motif du refus : ${reason}`);
    expect(await onFile()).toContain(`Motif du refus : ${reason}`);
  });

  it("the latest one counts: a new one validated, then past its validity « Expiré »", async () => {
    const png = { name: "qf-nouvelle.png", bytes: FILES.png };
    await upload(p, parent, SENE, "/documents/depot/foyer", { type: "attestation_qf" }, png);
    const doc = await latest();
    expect(doc?.filename).toBe("qf-nouvelle.png");
    expect((await staff.post(`/agents/documents/${doc?.id}/valider`)).status).toBe(303);
    expect(await onFoyer()).toMatch(
      /: Validé \( qf-nouvelle\.png , déposé le [\d/]+\) Valable jusqu'au [\d/]+/,
    );
    await p.owner
      .updateTable("documents")
      .set({ valid_until: "2020-01-31" })
      .where("id", "=", doc?.id as string)
      .execute();
    expect(await onFoyer()).toContain("Expiré ( qf-nouvelle.png");
    expect(await onFile()).toContain("Validité dépassée depuis le 31/01/2020");
  });
});
