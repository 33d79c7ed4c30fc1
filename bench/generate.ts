import { sql } from "kysely";
import pg from "pg";
import { hashPassword } from "../src/auth/password.ts";
import { createSession } from "../src/auth/sessions.ts";
import type { Database } from "../src/db/database.ts";
import { contrastRatio } from "../src/lib/contrast.ts";
import { type TenantConfig, tenantConfigSchema } from "../src/tenancy/config-schema.ts";
import type { TenantFile } from "../src/tenancy/files.ts";
import { provisionTenants } from "../src/tenancy/provision.ts";

/** Every generated parent has this password (one argon2 hash, computed once). */
export const BENCH_PASSWORD = "Banc-Essai-2026";

export interface Town {
  slug: string;
  id: string;
  loginWith: "email" | "identifier";
}

export interface SessionSample {
  slug: string;
  /** The cookie value (the database keeps only its digest). */
  token: string;
  householdName: string;
}

export interface LoginAccount {
  slug: string;
  identifier: string;
}

export interface GeneratedData {
  towns: Town[];
  sessions: SessionSample[];
  accounts: LoginAccount[];
  timings: Record<string, number>;
}

const FAMILY_NAMES = [
  "Martin",
  "Bernard",
  "Le Goff",
  "Petit",
  "Robert",
  "Richard",
  "Durand",
  "Dubois",
  "Moreau",
  "Nguyen",
  "Garcia",
  "Lefèvre",
];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function hex(r: number, g: number, b: number): string {
  return `#${[r, g, b]
    .map((v) =>
      Math.round(v * 255)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

function hsl(h: number, s: number, l: number): string {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return hex(f(0), f(8), f(4));
}

/** A dark town colour: white text on it (and it as text on white) reaches 4.5:1 with a margin. */
export function townColour(i: number): string {
  const hue = (i * 137.508) % 360;
  for (let l = 0.4; l > 0.05; l -= 0.02) {
    const c = hsl(hue, 0.65, l);
    if (contrastRatio(c, "#ffffff") >= 4.8) return c;
  }
  return "#1a1a1a";
}

function townFile(i: number): TenantFile {
  const slug = `t${pad(i, 3)}`;
  const primary = townColour(i);
  const config: TenantConfig = tenantConfigSchema.parse({
    slug,
    name: `Commune d'essai n° ${i}`,
    shortName: `Essai ${i}`,
    hostnames: [],
    branding: {
      logo: `${slug}.svg`,
      primary,
      onPrimary: "#ffffff",
      tagline: `Portail Familles de la commune d'essai n° ${i}`,
    },
    contact: {
      service: "Service Enfance-Jeunesse",
      phone: `01 02 03 ${pad(i % 100, 2)} 00`,
      email: `enfance@${slug}.test`,
      address: `${i} place de la Mairie, 00000 Essai`,
    },
    website: `https://${slug}.example.org`,
    links: [{ label: "Le guide utilisateur", url: `https://${slug}.example.org/guide` }],
    holidayZone: (["A", "B", "C"] as const)[i % 3],
    auth: {
      loginWith: i % 2 === 0 ? "identifier" : "email",
      accountOpening: i % 2 === 0 ? "letter" : "activation_link",
      forcePasswordChangeAtFirstLogin: false,
      passwordPolicy: { minLength: 12, requireUpper: true, requireLower: true, requireDigit: true },
    },
    portal: { inbox: i % 3 === 0, requestsList: i % 4 === 0 },
  });
  const logoSvg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" role="img" aria-label="Logo de ${config.name}">` +
    `<rect width="120" height="120" rx="16" fill="${primary}"/>` +
    `<text x="60" y="72" font-family="sans-serif" font-size="28" font-weight="700" fill="#fff" text-anchor="middle">${i}</text></svg>`;
  return { config, logoSvg };
}

/** Two generate() runs as one: the towns, sessions and accounts of both. */
export function mergeGenerated(a: GeneratedData, b: GeneratedData): GeneratedData {
  return {
    towns: [...a.towns, ...b.towns],
    sessions: [...a.sessions, ...b.sessions],
    accounts: [...a.accounts, ...b.accounts],
    timings: {
      ...a.timings,
      ...Object.fromEntries(Object.entries(b.timings).map(([k, v]) => [`then ${k}`, v])),
    },
  };
}

/** Household number n of a town, as stored (and as the parent's identifiant ends). */
const householdNumber = (n: number) => pad(n, 5);
const emailOf = (slug: string, n: number) => `parent${householdNumber(n)}@${slug}.test`;
const loginOf = (slug: string, n: number) => `${slug}-${householdNumber(n)}`;

async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(lanes);
}

/**
 * Towns through the normal provisioning; households and parents set-based (generate_series),
 * one transaction per town as the staff persona, so every row passes the town's RLS fence
 * exactly as an agent-created account would (this also works when the owner is not a
 * superuser and FORCE ROW LEVEL SECURITY applies to it); sessions through createSession.
 */
export async function generate(
  db: Database,
  ownerUrl: string,
  options: {
    towns: number;
    households: number;
    sessionsPerTown: number;
    accountsPerTown: number;
    /** The first town's number (t001 by default): a later call adds more towns. */
    first?: number;
  },
): Promise<GeneratedData> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = now - t;
    t = now;
  };

  const files = Array.from({ length: options.towns }, (_, k) => townFile(k + (options.first ?? 1)));
  const ids = await provisionTenants(db, files);
  const towns: Town[] = files.map(({ config }) => ({
    slug: config.slug,
    id: ids.get(config.slug) as string,
    loginWith: config.auth.loginWith,
  }));
  lap("towns (provisionTenants)");

  const passwordHash = await hashPassword(BENCH_PASSWORD);
  lap("one argon2id hash");

  const names = sql.raw(`array[${FAMILY_NAMES.map((n) => `'${n.replace(/'/g, "''")}'`).join(", ")}]`);
  await inBatches(towns, 4, async (town) => {
    await db.withTenant({ role: "app_staff", tenantId: town.id }, async (trx) => {
      await sql`
        insert into households (tenant_id, number, name)
        select ${town.id}::uuid, lpad(g::text, 5, '0'),
               'Famille ' || (${names})[1 + g % ${FAMILY_NAMES.length}] || ' ' || g
        from generate_series(1, ${options.households}::int) g`.execute(trx);
      await sql`
        insert into users (tenant_id, kind, household_id, email, login, civility, first_name, last_name,
                           password_hash, email_verified_at, password_changed_at)
        select h.tenant_id, 'parent', h.id, 'parent' || h.number || '@' || ${town.slug} || '.test',
               ${town.slug} || '-' || h.number, 'Mme', 'Camille', substr(h.name, 9), ${passwordHash},
               now(), now()
        from households h where h.tenant_id = ${town.id}::uuid`.execute(trx);
    });
  });
  lap(`households + parents (${options.towns * options.households} each)`);

  // Fresh statistics, as autovacuum would give a long-running database.
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query("analyze tenants, households, users, sessions");
  } finally {
    await owner.end();
  }
  lap("analyze");

  const sessions: SessionSample[] = [];
  const accounts: LoginAccount[] = [];
  const step = Math.max(1, Math.floor(options.households / Math.max(1, options.sessionsPerTown)));
  await inBatches(towns, 4, async (town) => {
    const numbers = Array.from(
      { length: options.sessionsPerTown },
      (_, k) => ((k * step + town.slug.charCodeAt(3) * 7) % options.households) + 1,
    );
    await db.withTenant({ role: "app_auth", tenantId: town.id }, async (trx) => {
      for (const n of numbers) {
        const user = await trx
          .selectFrom("users as u")
          .innerJoin("households as h", (j) =>
            j.onRef("h.tenant_id", "=", "u.tenant_id").onRef("h.id", "=", "u.household_id"),
          )
          .select(["u.id", "h.name"])
          .where("u.kind", "=", "parent")
          .where("u.email", "=", emailOf(town.slug, n))
          .executeTakeFirstOrThrow();
        const token = (await createSession(trx, town.id, user.id, false)).token;
        sessions.push({ slug: town.slug, token, householdName: user.name });
      }
    });
    for (let k = 0; k < options.accountsPerTown; k++) {
      const n = ((k * 37 + town.slug.charCodeAt(3)) % options.households) + 1;
      accounts.push({
        slug: town.slug,
        identifier: town.loginWith === "email" ? emailOf(town.slug, n) : loginOf(town.slug, n),
      });
    }
  });
  lap(`sessions (${sessions.length})`);

  return { towns, sessions, accounts, timings };
}
