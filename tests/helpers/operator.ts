import { DEMO_OPERATOR, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "./client.ts";
import type { TestPlatform } from "./platform.ts";
import { codeOfNewWindow } from "./totp.ts";

export const ADMIN_HOST = "admin.localhost:3000";

/**
 * The operator's TOTP key, as the console created it at their enrolment (what their phone holds).
 */
export async function operatorKey(p: TestPlatform, email = DEMO_OPERATOR.email) {
  const row = await p.owner
    .selectFrom("operator_second_factors as f")
    .innerJoin("operators as o", "o.id", "f.operator_id")
    .select("f.totp_key")
    .where("o.email", "=", email)
    .executeTakeFirstOrThrow();
  return new Uint8Array(row.totp_key);
}

/** The operator's current TOTP code, as a login in a new 30 s window would give it. */
export async function operatorCode(p: TestPlatform, email = DEMO_OPERATOR.email) {
  return codeOfNewWindow(p.owner, await operatorKey(p, email));
}

/**
 * Signs an operator in as a person would: the password, then the mandatory second factor
 * (enrolled at the first login: its page creates the key). Returns the code's answer (303 to
 * the console, or 200 with the recovery codes at the enrolment).
 */
export async function signInOperator(
  p: TestPlatform,
  op: ReturnType<typeof client>,
  email = DEMO_OPERATOR.email,
) {
  const res = await op.login(email, DEMO_PASSWORD);
  if (res.headers.get("location") !== "/connexion/code") throw new Error(`operator login: ${res.status}`);
  await op.get("/connexion/code");
  const done = await op.post("/connexion/code", { code: await operatorCode(p, email) });
  if (done.status !== 303 && done.status !== 200) throw new Error(`operator code: ${done.status}`);
  return done;
}

/** The demo operator, signed in on the console, with a multipart post for uploads. */
export async function operatorClient(p: TestPlatform, ip = "203.0.113.50") {
  const op = client(p.app, ADMIN_HOST, { ip });
  await signInOperator(p, op);
  return {
    ...op,
    /** A form with files, as a browser sends it (multipart/form-data). */
    upload(path: string, fields: Record<string, string>, files: Record<string, File> = {}) {
      const body = new FormData();
      for (const [k, v] of Object.entries(fields)) body.append(k, v);
      for (const [k, f] of Object.entries(files)) body.append(k, f);
      const cookie = [...op.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      return p.app.request(`http://127.0.0.1${path}`, {
        method: "POST",
        headers: { Host: ADMIN_HOST, Origin: `http://${ADMIN_HOST}`, Cookie: cookie, "X-Forwarded-For": ip },
        body,
        redirect: "manual",
      });
    },
  };
}

export const DEMO_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" fill="#6b2d5c"/><text x="50" y="60" fill="#fff" text-anchor="middle">DÉMO</text></svg>`;

/** The console's town form for « Ville de Démo », as an operator fills it. */
export function demoTownFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    slug: "demo",
    name: "Ville de Démo",
    short_name: "Démo",
    hostnames: "",
    holiday_zone: "C",
    login_with: "email",
    account_opening: "activation_link",
    password_min_length: "12",
    password_upper: "on",
    password_digit: "on",
    primary: "#6b2d5c",
    on_primary: "#ffffff",
    tagline: "Portail Famille de la Ville de Démo",
    contact_service: "Service Enfance",
    contact_phone: "01 23 45 67 89",
    contact_email: "enfance@demo.test",
    contact_address: "1 place de la Mairie, 75000 Démo",
    website: "https://www.demo.test",
    links: "Le menu de la cantine | https://www.demo.test/menus",
    ...overrides,
  };
}
