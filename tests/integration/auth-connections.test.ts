/**
 * Issue 16, item 12: « Mes connexions » lists a person's sessions (device, network, last use)
 * and ends any of them, or every other one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deviceLabel, ipPrefix } from "../../src/auth/sessions.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { seneParents } from "../helpers/auth-fixture.ts";
import { client, linkIn } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
const ANDROID =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Mobile Safari/537.36";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

const newParent = seneParents({
  emailPrefix: "connexions",
  numberBase: 16_500,
  label: "CONNEXION",
  firstName: "Cora",
  civility: "Mme",
});

async function signIn(email: string, password: string, ip: string, ua: string) {
  const c = client(p.app, SENE, { ip });
  const res = await c.send("POST", "/connexion", {
    form: { identifier: email, password },
    headers: { "User-Agent": ua },
  });
  expect(res.status).toBe(303);
  return c;
}

describe("« Mes connexions »", () => {
  it("names devices and networks without keeping a fingerprint", () => {
    expect(deviceLabel(FIREFOX)).toBe("Firefox sur Windows");
    expect(deviceLabel(ANDROID)).toBe("Chrome sur Android");
    expect(ipPrefix("203.0.113.77")).toBe("203.0.113.x");
    expect(ipPrefix("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
  });

  it("lists both devices, ends one, then every other, and the ended ones are signed out", async () => {
    const parent = await newParent(p);
    const laptop = await signIn(parent.email, parent.password, "203.0.113.77", FIREFOX);
    const phone = await signIn(parent.email, parent.password, "198.51.100.20", ANDROID);
    const html = await (await laptop.get("/compte/connexions")).text();
    expect(html).toContain("<h1>Mes connexions</h1>");
    expect(html).toContain("<strong>Firefox sur Windows</strong> (cet appareil)");
    expect(html).toContain("Chrome sur Android");
    expect(html).toContain("203.0.113.x");
    expect(html).toContain("198.51.100.x");

    const ids = [...html.matchAll(/name="session" value="([0-9a-f]{64})"/g)].map((m) => m[1] ?? "");
    expect(ids).toHaveLength(2);
    const phoneRow = html.split("<li>").find((r) => r.includes("Chrome sur Android")) ?? "";
    const phoneId = phoneRow.match(/value="([0-9a-f]{64})"/)?.[1] ?? "";
    const ended = await laptop.post("/compte/connexions/fin", { session: phoneId });
    expect(ended.status).toBe(303);
    expect((await phone.get("/profil")).status).toBe(303);
    expect((await laptop.get("/profil")).status).toBe(200);

    const tablet = await signIn(parent.email, parent.password, "198.51.100.21", ANDROID);
    expect((await laptop.post("/compte/connexions/autres")).status).toBe(303);
    expect((await tablet.get("/profil")).status).toBe(303);
    expect((await laptop.get("/profil")).status).toBe(200);
  });

  it("another person's session id ends nothing", async () => {
    const a = await newParent(p);
    const b = await newParent(p);
    const ca = await signIn(a.email, a.password, "203.0.113.80", FIREFOX);
    const cb = await signIn(b.email, b.password, "203.0.113.81", FIREFOX);
    const html = await (await cb.get("/compte/connexions")).text();
    const bId = html.match(/name="session" value="([0-9a-f]{64})"/)?.[1] ?? "";
    expect((await ca.post("/compte/connexions/fin", { session: bId })).status).toBe(303);
    expect((await cb.get("/profil")).status).toBe(200);
  });
});

describe("a login from a device never seen before", () => {
  const notices = (to: string) =>
    p.mailbox
      .list()
      .filter((m) => m.to.includes(to) && m.subject.startsWith("Nouvelle connexion à votre compte"));

  it("e-mails the owner (device, time, network, link to « Mes connexions »), once per new device", async () => {
    const parent = await newParent(p);
    const laptop = await signIn(parent.email, parent.password, "203.0.113.90", FIREFOX);
    await laptop.post("/deconnexion");
    const again = await laptop.send("POST", "/connexion", {
      form: { identifier: parent.email, password: parent.password },
      headers: { "User-Agent": FIREFOX, "X-Forwarded-For": "203.0.113.92" },
    });
    expect(again.status).toBe(303);

    const since = lastId(p.mailbox);
    await signIn(parent.email, parent.password, "198.51.100.40", ANDROID);
    const mail = await p.mailbox.waitFor(parent.email, { since });
    expect(mail.subject).toBe("Nouvelle connexion à votre compte – Séné");
    expect(mail.text).toContain("Appareil : Chrome sur Android");
    expect(mail.text).toContain("Réseau : 198.51.100.x");
    expect(mail.text).toMatch(/Date : \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(linkIn(mail.text, "http://sene.localhost:3000")).toBe("/compte/connexions");

    // A new browser on a network the account used before is no news.
    await signIn(parent.email, parent.password, "198.51.100.41", FIREFOX);
    const since2 = lastId(p.mailbox);
    await signIn(parent.email, parent.password, "192.0.2.41", ANDROID);
    await p.mailbox.waitFor(parent.email, { since: since2 });
    // The first login, the laptop coming back and the same network sent nothing: two notices.
    expect(notices(parent.email)).toHaveLength(2);
  });

  it("sends staff to their own « Mes connexions »", async () => {
    const first = client(p.app, SENE, { ip: "203.0.113.95" });
    expect((await first.login("agent@sene.test", "Parvis-Demo-2026", "/agents")).status).toBe(303);
    const since = lastId(p.mailbox);
    const second = client(p.app, SENE, { ip: "198.51.100.41" });
    expect((await second.login("agent@sene.test", "Parvis-Demo-2026", "/agents")).status).toBe(303);
    const mail = await p.mailbox.waitFor("agent@sene.test", { since });
    expect(linkIn(mail.text, "http://sene.localhost:3000")).toBe("/agents/compte/connexions");
  });
});
