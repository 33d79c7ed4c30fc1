import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import type { TestPlatform } from "../helpers/platform.ts";
import { type Client, loggedIn } from "./documents-fixtures.ts";

export const PLOMBIERES = "plombieres.localhost:3000";
export { FILES } from "./documents-fixtures.ts";

/** Jean DUPONT, Plombières' demo parent (menu-bar layout, inbox). */
export const dupont = (p: TestPlatform, ip = "10.41.0.1") => loggedIn(p, PLOMBIERES, "jdupont", ip);

/** Plombières' agent, in the back-office. */
export async function agent(p: TestPlatform, ip = "10.41.0.9"): Promise<Client> {
  const c = client(p.app, PLOMBIERES, { ip });
  await c.login("agent@plombieres.test", DEMO_PASSWORD, "/agents");
  return c;
}

/** A multipart POST with fields and files, as the message forms send it. */
export function postFiles(
  p: TestPlatform,
  c: Client,
  path: string,
  fields: Record<string, string>,
  files: { name: string; bytes: Buffer }[] = [],
  host = PLOMBIERES,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append("fichiers", new Blob([new Uint8Array(f.bytes)]), f.name);
  return p.app.request(`http://127.0.0.1${path}`, {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: {
      Host: host,
      Origin: `http://${host}`,
      Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    },
  });
}

/** The id at the end of a redirect to a conversation. */
export const threadIdOf = (res: Response) =>
  (res.headers.get("location") ?? "").match(/\/messages\/([0-9a-f-]{36})/)?.[1] as string;
