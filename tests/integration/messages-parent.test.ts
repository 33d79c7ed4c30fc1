import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import type { Client } from "./documents-fixtures.ts";
import { dupont, FILES, postFiles, threadIdOf } from "./messages-fixtures.ts";

// « Boîte de réception » for parents (issue 14, items 1 and 2).

let p: TestPlatform;
let jean: Client;
beforeAll(async () => {
  p = await createTestPlatform();
  jean = await dupont(p);
});
afterAll(async () => {
  await p?.close();
});

const send = (fields: Record<string, string>, files: { name: string; bytes: Buffer }[] = []) =>
  postFiles(p, jean, "/messages/nouveau", fields, files);
const good = { subject: "Inscription ALSH", service: "ALSH", body: "Bonjour,\nest-il encore possible ?" };

describe("« Nouveau message »", () => {
  it("sends a message with an attachment checked by content, shown escaped in its conversation", async () => {
    const res = await send({ ...good, body: "<script>alert(1)</script> merci" }, [
      { name: "certificat.pdf", bytes: FILES.pdf },
    ]);
    expect(res.status).toBe(303);
    const html = await (await jean.get(res.headers.get("location") as string)).text();
    expect(html).toContain("<h1>Inscription ALSH</h1>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; merci");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toMatch(/href="\/messages\/pieces-jointes\/[0-9a-f-]{36}"[^>]*>certificat\.pdf/);
    const file = html.match(/\/messages\/pieces-jointes\/([0-9a-f-]{36})/)?.[1];
    const dl = await jean.get(`/messages/pieces-jointes/${file}`);
    expect(dl.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await dl.arrayBuffer()).equals(FILES.pdf)).toBe(true);
    const sent = await (await jean.get("/messages?boite=envoyes")).text();
    expect(sent).toContain("Inscription ALSH");
  });

  it("refuses a file whose content is not an accepted format, keeping what was typed", async () => {
    const res = await send(good, [{ name: "photo.pdf", bytes: FILES.exe }]);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("n&#39;est pas dans un format accepté");
    expect(html).toContain('value="Inscription ALSH"');
    expect(html).toContain("est-il encore possible ?</textarea>");
  });

  it("asks for the subject, a service of the town and the text, each at its field", async () => {
    const res = await send({ subject: "", service: "Piscine", body: " " });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="f-subject-error"');
    expect(html).toContain("Choisissez le service concerné.");
    expect(html).toContain('id="f-body-error"');
  });

  it("refuses a fourth attachment", async () => {
    const four = Array.from({ length: 4 }, (_, i) => ({ name: `p${i}.png`, bytes: FILES.png }));
    const res = await send(good, four);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("3 pièces jointes au maximum par message.");
  });
});

describe("delete and restore", () => {
  it("moves a conversation to « Supprimés » and back", async () => {
    const id = threadIdOf(await send({ ...good, subject: "À supprimer" }));
    expect((await jean.post(`/messages/${id}/supprimer`)).status).toBe(303);
    expect(await (await jean.get("/messages?boite=envoyes")).text()).not.toContain("À supprimer");
    expect(await (await jean.get("/messages?boite=supprimes")).text()).toContain("À supprimer");
    await jean.post(`/messages/${id}/restaurer`);
    expect(await (await jean.get("/messages?boite=envoyes")).text()).toContain("À supprimer");
  });
});

describe("the hourly limit", () => {
  it("stops at 20 messages an hour with a clear message, the text kept in the form", async () => {
    const already = Number(
      (
        await p.owner
          .selectFrom("messages")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("author", "=", "parent")
          .executeTakeFirstOrThrow()
      ).n,
    );
    for (let i = already; i < 20; i++) expect((await send({ ...good, subject: `N° ${i}` })).status).toBe(303);
    const res = await send({ ...good, subject: "Le vingt et unième" });
    expect(res.status).toBe(429);
    const html = await res.text();
    expect(html).toContain("c&#39;est le maximum");
    expect(html).toContain('value="Le vingt et unième"');
    const last = await p.owner
      .selectFrom("message_threads")
      .select("id")
      .where("subject", "=", "Le vingt et unième")
      .execute();
    expect(last).toEqual([]);
  });
});
