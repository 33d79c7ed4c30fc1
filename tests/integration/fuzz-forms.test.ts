/**
 * Issue 16, items 3 and 7: every form of each audience, found by following links, gets hostile
 * values (NUL, CR/LF, overlong, wrong types, nothing, a malformed multipart body), and every
 * page a hostile query: never a server error, never a library's English.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_OPERATOR, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import {
  crawl,
  ENGLISH,
  type FoundForm,
  hostileBodies,
  oneFieldHostile,
  postMalformedMultipart,
} from "../helpers/fuzz.ts";
import { signInOperator } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const SENE = "sene.localhost:3000";
const PLOMBIERES = "plombieres.localhost:3000";
const ADMIN = "admin.localhost:3000";
const HOSTILE_QUERY =
  "?suite=%0d%0aLocation:%20http://pirate.test&q=%00&mois=%00&enfant=%00&jour=%0d%0a&service=%00&periode=%00&message=%00&page=-1e309";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

interface Audience {
  name: string;
  host: string;
  under: string;
  start: string[];
  login?: { identifier: string; base: string };
  /** Forms whose success would end the crawl itself (closing the town being crawled). */
  skip?: RegExp;
}

const AUDIENCES: Audience[] = [
  { name: "visiteur (Séné)", host: SENE, under: "/", start: ["/", "/connexion", "/agents/connexion"] },
  { name: "visiteur (Plombières)", host: PLOMBIERES, under: "/", start: ["/", "/connexion"] },
  {
    name: "parent (Séné)",
    host: SENE,
    under: "/",
    start: ["/"],
    login: { identifier: "lola.test@sene.test", base: "" },
  },
  {
    name: "parent (Plombières)",
    host: PLOMBIERES,
    under: "/",
    start: ["/"],
    login: { identifier: "JDupont", base: "" },
  },
  {
    name: "agent (Séné)",
    host: SENE,
    under: "/agents",
    start: ["/agents"],
    login: { identifier: "admin@sene.test", base: "/agents" },
  },
  {
    name: "agent (Plombières)",
    host: PLOMBIERES,
    under: "/agents",
    start: ["/agents"],
    login: { identifier: "admin@plombieres.test", base: "/agents" },
  },
  {
    name: "opérateur",
    host: ADMIN,
    under: "/",
    start: ["/"],
    login: { identifier: DEMO_OPERATOR.email, base: "" },
    skip: /suspendre/,
  },
];

const FIELD_ATTACKS: [string, (v: string) => string][] = [
  ["NUL", (v) => `${v}\u0000`],
  ["CR/LF", (v) => `${v}\r\nX: y`],
  ["long", (v) => `${v}${"x".repeat(9000)}`],
];

let ipSeq = 0;

async function signedIn(a: Audience) {
  const c = client(p.app, a.host, { ip: `192.0.2.${++ipSeq}` });
  if (a.host === ADMIN) await signInOperator(p, c);
  else if (a.login) expect((await c.login(a.login.identifier, DEMO_PASSWORD, a.login.base)).status).toBe(303);
  return c;
}

async function check(res: Response, what: string, failures: string[]) {
  const body = await res.text();
  // What a person reads: pages, not machine documents (the tenant file's JSON Schema names its keys).
  const page = (res.headers.get("content-type") ?? "").includes("text/html");
  if (res.status >= 500) failures.push(`${what}: ${res.status}`);
  else if (page && ENGLISH.test(body)) failures.push(`${what}: English « ${body.match(ENGLISH)?.[0]} »`);
}

async function fuzzForm(a: Audience, f: FoundForm, failures: string[]) {
  for (const { label, pairs } of hostileBodies(f)) {
    // A fresh session per post: a hostile value that succeeded must not change the next one's page.
    const c = await signedIn(a);
    await check(await c.post(f.action, pairs), `${a.name} POST ${f.action} [${label}]`, failures);
  }
  const c = await signedIn(a);
  for (const field of f.fields) {
    for (const [label, bad] of FIELD_ATTACKS) {
      const res = await c.post(f.action, oneFieldHostile(f, field, bad));
      await check(res, `${a.name} POST ${f.action} ${field} [${label}]`, failures);
    }
  }
  const res = await postMalformedMultipart(p.app, a.host, f.action, c.cookies);
  await check(res, `${a.name} POST ${f.action} [multipart malformé]`, failures);
}

describe("hostile input never gets a server error nor English", () => {
  for (const a of AUDIENCES) {
    it(`${a.name}: every form and every page`, { timeout: 600_000 }, async () => {
      const c = await signedIn(a);
      const { pages, forms } = await crawl(c, a.start, a.under);
      expect(pages.length).toBeGreaterThan(a.login && a.host !== ADMIN ? 3 : 0);
      expect(forms.length).toBeGreaterThan(0);
      const failures: string[] = [];
      for (const path of pages) {
        const sep = path.includes("?") ? `&${HOSTILE_QUERY.slice(1)}` : HOSTILE_QUERY;
        await check(await c.get(`${path}${sep}`), `${a.name} GET ${path} [query hostile]`, failures);
      }
      for (const f of forms) if (!a.skip?.test(f.action)) await fuzzForm(a, f, failures);
      expect(failures).toEqual([]);
    });
  }
});
