import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import {
  type Client,
  childOf,
  documentsOf,
  FILES,
  fieldError,
  loggedIn,
  SENE,
  upload,
} from "./documents-fixtures.ts";

// Item 9, documents: staff validate or refuse (with a reason e-mailed to the family).

let p: TestPlatform;
let parent: Client;
let staff: Client;
let ids: { attestation: string; brevet: string };
beforeAll(async () => {
  p = await createTestPlatform();
  parent = await loggedIn(p, SENE, "lola.test@sene.test", "10.33.0.1");
  staff = await loggedIn(p, SENE, "agent@sene.test", "10.33.0.2", "/agents");
  const paul = await childOf(p, "sene", "Paul");
  const pdf = { name: "attestation.pdf", bytes: FILES.pdf };
  expect(
    (await upload(p, parent, SENE, "/documents/depot/foyer", { type: "attestation_qf" }, pdf)).status,
  ).toBe(303);
  const png = { name: "brevet.png", bytes: FILES.png };
  const res = await upload(
    p,
    parent,
    SENE,
    "/documents/depot/enfant",
    { type: "brevet_natation", child_id: paul.id },
    png,
  );
  expect(res.status).toBe(303);
  const [attestation, brevet] = await documentsOf(p, "sene");
  ids = { attestation: attestation?.id as string, brevet: brevet?.id as string };
});
afterAll(async () => {
  await p?.close();
});

const audit = (id: string) =>
  p.owner
    .selectFrom("audit_log")
    .select(["action", "actor_kind", "fields"])
    .where("entity_id", "=", id)
    .orderBy("at")
    .execute();

describe("« Documents à valider »", () => {
  it("lists the town's deposited documents, oldest first, with household, N° Famille and child", async () => {
    const res = await staff.get("/agents/documents");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>Documents à valider</h1>");
    const first = html.indexOf("attestation.pdf");
    expect(first).toBeGreaterThan(0);
    expect(html.indexOf("brevet.png")).toBeGreaterThan(first);
    expect(html).toContain("Famille TEST<br>N° Famille : 1001");
    expect(html).toContain("<td>Paul TEST</td>");
    expect(html).toContain(`href="/agents/documents/${ids.attestation}/fichier"`);
    const file = await staff.get(`/agents/documents/${ids.brevet}/fichier`);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; /);
  });

  it("validates: the document leaves the list, the parent sees « Validé », the write is audited", async () => {
    const res = await staff.post(`/agents/documents/${ids.attestation}/valider`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/agents/documents?message=document-valide");
    expect(await (await staff.get("/agents/documents")).text()).not.toContain("attestation.pdf");
    expect(await (await parent.get("/documents")).text()).toContain("<strong>Validé</strong>");
    expect(await audit(ids.attestation)).toEqual([
      { action: "create", actor_kind: "parent", fields: ["type", "child_id", "filename"] },
      { action: "validate", actor_kind: "staff", fields: ["state"] },
    ]);
    // A decision is taken once.
    expect(
      (await staff.post(`/agents/documents/${ids.attestation}/refuser`, { reason: "Trop tard" })).status,
    ).toBe(409);
  });

  it("refusal needs a reason: 422 at the field, the reason typed kept, nothing changed", async () => {
    const res = await staff.post(`/agents/documents/${ids.brevet}/refuser`, { reason: "   " });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(fieldError(html, `reason-${ids.brevet}`)).toBe(
      "Indiquez le motif du refus : il sera envoyé à la famille.",
    );
    expect(html).toContain(`aria-describedby="reason-${ids.brevet}-error"`);
    expect((await documentsOf(p, "sene")).find((d) => d.id === ids.brevet)?.state).toBe("deposited");
  });

  it("refuses with the reason: the parent sees it on the page and gets it by e-mail", async () => {
    const since = lastId(p.mailbox);
    const reason = "Le brevet est illisible : merci de l'envoyer à nouveau.";
    expect((await staff.post(`/agents/documents/${ids.brevet}/refuser`, { reason })).status).toBe(303);
    const doc = (await documentsOf(p, "sene")).find((d) => d.id === ids.brevet);
    expect(doc).toMatchObject({ state: "refused", reason });
    const html = await (await parent.get("/documents")).text();
    expect(html).toContain("<strong>Refusé</strong>");
    expect(html).toContain("Motif : Le brevet est illisible : merci de l&#39;envoyer à nouveau.");
    const mail = await p.mailbox.waitFor("lola.test@sene.test", { since });
    expect(mail.subject).toContain("Votre document a été refusé");
    expect(mail.text).toContain("« Brevet de natation » (brevet.png)");
    expect(mail.text).toContain(`Motif : ${reason}`);
    expect((await audit(ids.brevet)).at(-1)).toEqual({
      action: "refuse",
      actor_kind: "staff",
      fields: ["state", "reason"],
    });
  });
});
