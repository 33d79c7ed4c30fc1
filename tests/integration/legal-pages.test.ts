/**
 * Issue 16, item 16: every town's portal has its legal pages, linked from every footer and
 * filled from the town's settings; the platform publishes /.well-known/security.txt.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const TOWNS = [
  { host: "sene.localhost:3000", name: "Ville de Séné", email: "enfance@sene.test" },
  { host: "plombieres.localhost:3000", name: "Plombières-lès-Dijon" },
];

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

const read = async (host: string, path: string) => {
  const res = await client(p.app, host).get(path);
  return { status: res.status, html: await res.text() };
};

describe("legal pages", () => {
  it.each(TOWNS)("$host: every footer links the three pages", async ({ host }) => {
    for (const path of ["/", "/connexion", "/preinscription"]) {
      const { html } = await read(host, path);
      const footer = html.slice(html.indexOf('<footer class="town-footer">'));
      expect(footer).toContain('<a href="/mentions-legales">Mentions légales</a>');
      expect(footer).toContain('<a href="/donnees-personnelles">Données personnelles</a>');
      expect(footer).toContain('<a href="/accessibilite">Accessibilité : non conforme</a>');
    }
  });

  it.each(TOWNS)("$host: each page has one h1 and the town's own details", async ({ host, name }) => {
    for (const [path, title] of [
      ["/mentions-legales", "Mentions légales"],
      ["/donnees-personnelles", "Données personnelles"],
      ["/accessibilite", "Déclaration d'accessibilité"],
    ] as const) {
      const { status, html } = await read(host, path);
      expect(status).toBe(200);
      expect(html.match(/<h1>/g)).toHaveLength(1);
      expect(html).toContain(`<h1>${title}</h1>`);
      expect(html).toContain(name.replace(/'/g, "&#39;").split(" ").pop() ?? "");
    }
  });

  it("« Données personnelles » names the controller, rights, durations and the DPO contact", async () => {
    const { html } = await read("sene.localhost:3000", "/donnees-personnelles");
    for (const part of [
      "Responsable du traitement",
      "Ville de Séné",
      "Finalités et bases légales",
      "Destinataires",
    ]) {
      expect(html).toContain(part);
    }
    expect(html).toContain("Durées de conservation");
    expect(html).toContain("Vos droits");
    expect(html).toContain('href="mailto:enfance@sene.test"');
  });

  it("the accessibility statement gives the state, the feedback contact and the Défenseur des droits", async () => {
    const { html } = await read("sene.localhost:3000", "/accessibilite");
    expect(html).toContain("<strong>non conforme</strong>");
    expect(html).toContain("RGAA");
    expect(html).toContain("Aucun audit de conformité n'a encore été réalisé.");
    expect(html).toContain("enfance@sene.test");
    expect(html).toContain("Défenseur des droits");
  });
});

describe("/.well-known/security.txt", () => {
  it("answers on every host with a contact and an expiry a year ahead", async () => {
    for (const host of ["sene.localhost:3000", "admin.localhost:3000"]) {
      const res = await client(p.app, host).get("/.well-known/security.txt");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain");
      const text = await res.text();
      expect(text).toMatch(/^Contact: mailto:security@localhost$/m);
      const expires = new Date(text.match(/^Expires: (.+)$/m)?.[1] ?? "");
      expect(expires.getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    }
  });
});
