import { sql } from "kysely";
import { hashPassword } from "../auth/password.ts";
import type { Database, Trx } from "../db/database.ts";

/** The demo password of every demo account (meets every demo town's policy). */
export const DEMO_PASSWORD = "Parvis-Demo-2026";
/** Plombières hands out accounts by letter: this one must choose its password at first login. */
export const DEMO_LETTER_PASSWORD = "Courrier2026";

interface DemoParent {
  civility: string;
  first: string;
  last: string;
  email: string | null;
  login?: string;
  password?: string;
  mustChange?: boolean;
}
interface DemoHousehold {
  number: string;
  name: string;
  parents: DemoParent[];
  address?: { line: string; postal: string; city: string; phone: string };
  partner?: { civility: string; first: string; last: string };
  children?: {
    first: string;
    last: string;
    birth: string;
    sex: "M" | "F";
    /** Periods (keys) the child has an accepted « à la carte » enrolment in (issue 15). */
    enrolments?: string[];
  }[];
}
interface DemoTown {
  slug: string;
  households: DemoHousehold[];
  staff: { first: string; last: string; email: string; role: "admin" | "agent" }[];
}

// The seeds' families: M. et Mme MAIRIE (Sennecey), Famille TEST (Séné), Jean et Jeanne DUPONT (Plombières).
export const DEMO_TOWNS: DemoTown[] = [
  {
    slug: "senneceylesdijon",
    households: [
      {
        number: "1001",
        name: "M. et Mme MAIRIE",
        parents: [
          {
            civility: "M.",
            first: "Parent 1",
            last: "MAIRIE",
            email: "parent1.mairie@senneceylesdijon.test",
          },
        ],
        address: {
          line: "5 rue de l'Église",
          postal: "21800",
          city: "SENNECEY-LÈS-DIJON",
          phone: "03.80.47.00.12",
        },
        partner: { civility: "Mme", first: "Parent 2", last: "MAIRIE" },
        children: [{ first: "Enfant 1", last: "MAIRIE", birth: "2021-03-14", sex: "M" }],
      },
    ],
    staff: [
      { first: "Claire", last: "ADMIN", email: "admin@senneceylesdijon.test", role: "admin" },
      { first: "Marc", last: "AGENT", email: "agent@senneceylesdijon.test", role: "agent" },
    ],
  },
  {
    slug: "sene",
    households: [
      {
        number: "1001",
        name: "Famille TEST",
        parents: [{ civility: "Mme", first: "Lola", last: "TEST", email: "lola.test@sene.test" }],
        address: {
          line: "15 rue de la Surveillance",
          postal: "56860",
          city: "SÉNÉ",
          phone: "02.97.00.00.15",
        },
        children: [
          { first: "Paul", last: "TEST", birth: "2017-09-02", sex: "M" },
          { first: "Emma-Rose", last: "TEST", birth: "2019-05-21", sex: "F" },
        ],
      },
    ],
    staff: [
      { first: "Anne", last: "ADMIN", email: "admin@sene.test", role: "admin" },
      { first: "Yann", last: "AGENT", email: "agent@sene.test", role: "agent" },
    ],
  },
  {
    slug: "plombieres",
    households: [
      {
        number: "1001001818331",
        name: "M. et Mme DUPONT",
        parents: [
          {
            civility: "M.",
            first: "Jean",
            last: "DUPONT",
            email: "jean.dupont@plombieres.test",
            login: "jdupont",
          },
        ],
        address: {
          line: "12 rue des Bonbons",
          postal: "21370",
          city: "PLOMBIÈRES-LÈS-DIJON",
          phone: "01.02.03.04.05",
        },
        partner: { civility: "Mme", first: "Jeanne", last: "DUPONT" },
        children: [
          {
            first: "Lucas",
            last: "DUPONT",
            birth: "2016-11-08",
            sex: "M",
            enrolments: [
              "restauration-2026-2027",
              "garderie-matin-2026-2027",
              "mercredi-am-2026-2027",
              "mercredi-journee-2026-2027",
            ],
          },
        ],
      },
      {
        number: "1001001818332",
        name: "Mme MARTIN",
        parents: [
          {
            civility: "Mme",
            first: "Sophie",
            last: "MARTIN",
            email: "sophie.martin@plombieres.test",
            login: "smartin",
            password: DEMO_LETTER_PASSWORD,
            mustChange: true,
          },
        ],
      },
    ],
    staff: [
      { first: "Océane", last: "ETINAULT", email: "admin@plombieres.test", role: "admin" },
      { first: "Paul", last: "AGENT", email: "agent@plombieres.test", role: "agent" },
    ],
  },
];

type Base = { tenant_id: string; household_id: string };

/** The parents' accounts; the first is also the household's « Moi » guardian. */
async function seedParents(trx: Trx, base: Base, parents: DemoParent[], hashOf: (p: DemoParent) => string) {
  for (const [i, p] of parents.entries()) {
    const user = await trx
      .insertInto("users")
      .values({
        ...base,
        kind: "parent",
        civility: p.civility,
        first_name: p.first,
        last_name: p.last,
        email: p.email,
        login: p.login ?? null,
        password_hash: hashOf(p),
        must_change_password: p.mustChange ?? false,
        email_verified_at: sql`now()`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (i > 0) continue;
    await trx
      .insertInto("guardians")
      .values({
        ...base,
        user_id: user.id,
        rank: 1,
        civility: p.civility,
        first_name: p.first,
        last_name: p.last,
        email: p.email,
      })
      .execute();
  }
}

/** The children, each with its accepted « à la carte » enrolments. */
async function seedChildren(trx: Trx, base: Base, children: NonNullable<DemoHousehold["children"]>) {
  for (const c of children) {
    const child = await trx
      .insertInto("children")
      .values({ ...base, first_name: c.first, last_name: c.last, birth_date: c.birth, sex: c.sex })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (c.enrolments?.length)
      await sql`insert into enrolments (tenant_id, household_id, child_id, period_id, service_id, mode,
          starts_on, ends_on, status)
        select ${base.tenant_id}::uuid, ${base.household_id}::uuid, ${child.id}::uuid, id, service_id, 'a_la_carte',
          starts_on, ends_on, 'accepted'
        from periods where key = any(${c.enrolments}::text[])`.execute(trx);
  }
}

/** One household with its account(s), guardians (« Moi », « Autre responsable ») and children. */
async function seedHousehold(
  trx: Trx,
  tenantId: string,
  h: DemoHousehold,
  hashOf: (p: DemoParent) => string,
) {
  const household = await trx
    .insertInto("households")
    .values({
      tenant_id: tenantId,
      number: h.number,
      name: h.name,
      address_line: h.address?.line ?? null,
      postal_code: h.address?.postal ?? null,
      city: h.address?.city ?? null,
      phone_main: h.address?.phone ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const base = { tenant_id: tenantId, household_id: household.id };
  await seedParents(trx, base, h.parents, hashOf);
  if (h.partner) {
    const { civility, first, last } = h.partner;
    await trx
      .insertInto("guardians")
      .values({ ...base, rank: 2, civility, first_name: first, last_name: last })
      .execute();
  }
  await seedChildren(trx, base, h.children ?? []);
}

export const DEMO_OPERATOR = { email: "operateur@parvis.test", name: "Opérateur Parvis" };

/** A town's demo households (those it does not have yet) and staff accounts. */
async function seedTown(
  trx: Trx,
  tenantId: string,
  town: DemoTown,
  hashes: { demo: string; letter: string },
) {
  const hashOf = (p: DemoParent) => (p.password === DEMO_LETTER_PASSWORD ? hashes.letter : hashes.demo);
  for (const h of town.households) {
    const exists = await trx
      .selectFrom("households")
      .select("id")
      .where("number", "=", h.number)
      .executeTakeFirst();
    if (!exists) await seedHousehold(trx, tenantId, h, hashOf);
  }
  for (const s of town.staff) {
    await trx
      .insertInto("users")
      .values({
        tenant_id: tenantId,
        kind: "staff",
        staff_role: s.role,
        first_name: s.first,
        last_name: s.last,
        email: s.email,
        password_hash: hashes.demo,
        email_verified_at: sql`now()`,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Demo households, staff and operator; a second run finds them and adds nothing. */
export async function seedDemo(db: Database, tenantIds: Map<string, string>): Promise<void> {
  const hashes = {
    demo: await hashPassword(DEMO_PASSWORD),
    letter: await hashPassword(DEMO_LETTER_PASSWORD),
  };
  for (const town of DEMO_TOWNS) {
    const tenantId = tenantIds.get(town.slug);
    if (tenantId)
      await db.withTenant({ role: "app_staff", tenantId }, (trx) => seedTown(trx, tenantId, town, hashes));
  }
  await db.withTenant({ role: "app_operator", tenantId: null }, (trx) =>
    trx
      .insertInto("operators")
      .values({ email: DEMO_OPERATOR.email, name: DEMO_OPERATOR.name, password_hash: hashes.demo })
      .onConflict((oc) => oc.doNothing())
      .execute(),
  );
}
