/**
 * Messages bench data (issue 14): one town `messagerie` with « Boîte de réception »;
 * `households` households (the broadcast's audience, every guardian saying yes to
 * « Autorisation courriel »), of which `inboxParents` hold 200 messages each (100
 * conversations: the parent's question and the town's answer) and a session. Set-based,
 * as the staff persona (the RLS fence holds).
 */
import { sql } from "kysely";
import pg from "pg";
import { createSession } from "../src/auth/sessions.ts";
import type { Database, Trx } from "../src/db/database.ts";
import { type TenantConfig, tenantConfigSchema } from "../src/tenancy/config-schema.ts";
import { provisionTenants } from "../src/tenancy/provision.ts";
import type { Tenant } from "../src/tenancy/resolve.ts";
import { type Family, generateFamilies } from "../tests/helpers/planning-generator.ts";
import { townColour } from "./generate.ts";

export const MESSAGES_SLUG = "messagerie";
export const THREADS_PER_PARENT = 100;
const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" role="img" aria-label="Logo">' +
  '<rect width="120" height="120" rx="16" fill="#1d5a7a"/></svg>';

export interface MessagesBenchData {
  tenant: Tenant;
  staffUserId: string;
  households: number;
  inboxSessions: string[];
  timings: Record<string, number>;
}

function townConfig(): TenantConfig {
  return tenantConfigSchema.parse({
    slug: MESSAGES_SLUG,
    name: "Commune d'essai de la messagerie",
    shortName: "Messagerie",
    branding: { logo: `${MESSAGES_SLUG}.svg`, primary: townColour(17), onPrimary: "#ffffff" },
    contact: {
      service: "Service Enfance-Jeunesse",
      phone: "01 02 03 04 07",
      email: `enfance@${MESSAGES_SLUG}.test`,
      address: "1 place de la Mairie, 21000 Essai",
    },
    website: `https://${MESSAGES_SLUG}.example.org`,
    holidayZone: "A",
    auth: {
      loginWith: "email",
      accountOpening: "activation_link",
      passwordPolicy: { minLength: 12, requireUpper: true, requireLower: true, requireDigit: true },
    },
    portal: { inbox: true },
  });
}

/** 100 conversations of two messages each (question, answer) for each family, in one statement. */
async function fillInboxes(trx: Trx, tenantId: string, staffUserId: string, families: Family[]) {
  await sql`
    with f as (
      select * from unnest(${families.map((f) => f.householdId)}::uuid[], ${families.map((f) => f.userId)}::uuid[])
        as f(household_id, user_id)
    ), t as (
      insert into message_threads (tenant_id, household_id, subject, service, started_by, status,
        last_parent_at, last_town_at, last_at)
      select ${tenantId}::uuid, f.household_id, 'Question n° ' || g, 'Accueil', 'parent', 'handled',
        now() - make_interval(hours => g), now() - make_interval(hours => g), now() - make_interval(hours => g)
      from f cross join generate_series(1, ${THREADS_PER_PARENT}::int) g
      returning id, household_id, last_at
    )
    insert into messages (tenant_id, household_id, thread_id, author, author_user_id, body, read_at, created_at)
    select ${tenantId}::uuid, t.household_id, t.id, m.author,
      case when m.author = 'parent' then f.user_id else ${staffUserId}::uuid end,
      'Bonjour, voici ma question et sa réponse.', case when m.author = 'town' and random() < 0.05 then null else now() end,
      t.last_at - case when m.author = 'parent' then interval '1 hour' else interval '0' end
    from t join f on f.household_id = t.household_id
      cross join (values ('parent'), ('town')) m(author)`.execute(trx);
}

async function analyze(ownerUrl: string) {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query("analyze households, guardians, users, message_threads, messages");
  } finally {
    await owner.end();
  }
}

export async function generateMessages(
  db: Database,
  ownerUrl: string,
  options: { households: number; inboxParents: number },
): Promise<MessagesBenchData> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    timings[name] = performance.now() - t;
    t = performance.now();
  };
  const config = townConfig();
  const ids = await provisionTenants(db, [{ config, logoSvg: LOGO }]);
  const tenant: Tenant = {
    id: ids.get(MESSAGES_SLUG) as string,
    slug: MESSAGES_SLUG,
    name: config.name,
    status: "active",
    config,
    logoSvg: LOGO,
  };
  const staff = { role: "app_staff" as const, tenantId: tenant.id };
  const built = await db.withTenant(staff, async (trx) => {
    const families = await generateFamilies(trx, tenant, { prefix: "m", count: options.households });
    await sql`update guardians set consent_email = true`.execute(trx);
    const user = await trx
      .insertInto("users")
      .values({
        tenant_id: tenant.id,
        kind: "staff",
        staff_role: "admin",
        email: `admin@${MESSAGES_SLUG}.test`,
        first_name: "Agent",
        last_name: "MESSAGERIE",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { families, staffUserId: user.id };
  });
  lap(`families (${built.families.length})`);
  const inboxFamilies = built.families.slice(0, options.inboxParents);
  await db.withTenant(staff, (trx) => fillInboxes(trx, tenant.id, built.staffUserId, inboxFamilies));
  lap(`inboxes (${inboxFamilies.length} × ${THREADS_PER_PARENT * 2} messages)`);
  await analyze(ownerUrl);
  const inboxSessions = await db.withTenant({ role: "app_auth", tenantId: tenant.id }, async (trx) => {
    const tokens: string[] = [];
    for (const f of inboxFamilies) tokens.push((await createSession(trx, tenant.id, f.userId, false)).token);
    return tokens;
  });
  lap(`sessions (${inboxSessions.length})`);
  return {
    tenant,
    staffUserId: built.staffUserId,
    households: built.families.length,
    inboxSessions,
    timings,
  };
}
