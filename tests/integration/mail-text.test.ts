import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

it("writes names as typed in the text of an e-mail, and escapes them in its HTML", async () => {
  const staff = client(p.app, "sene.localhost:3000");
  expect((await staff.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
  const since = lastId(p.mailbox);
  const res = await staff.post("/agents/familles/nouvelle", {
    household_name: "Famille D'ARTAGNAN",
    civility: "M.",
    first_name: "Jean-Éloi <b>",
    last_name: "D'Artagnan",
    email: "jean.dartagnan@example.test",
  });
  expect(res.status).toBe(200);
  const mail = await p.mailbox.waitFor("jean.dartagnan@example.test", { since });
  expect(mail.text).toContain("Bonjour Jean-Éloi <b> D'ARTAGNAN,");
  expect(mail.text).not.toContain("&#39;");
  expect(mail.html).toContain("Jean-Éloi &lt;b&gt; D&#39;ARTAGNAN");
});
