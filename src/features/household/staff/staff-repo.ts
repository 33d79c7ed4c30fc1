import { type Expression, type ExpressionBuilder, sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import type { DB } from "../../../db/types.ts";

// Accents folded in SQL as in JS (searchTerms): lower() first, then one letter for each.
const ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ";
const PLAIN = "aaaaaaceeeeiiiinooooouuuuyy";

const fold = (e: Expression<unknown>) => sql<string>`translate(lower(${e}), ${ACCENTED}, ${PLAIN})`;

/** A phone as digits only, « +33 6… » read as « 06… ». */
const digits = (e: Expression<unknown>) =>
  sql<string>`regexp_replace(regexp_replace(coalesce(${e}, ''), '\\D', '', 'g'), '^(?:00)?33(\\d{9})$', '0\\1')`;

/** What the agent typed: folded text, and a phone's digits when it looks like one. */
export interface SearchTerms {
  text: string;
  phone: string | null;
}

const likeOf = (s: string) => `%${s.replace(/[\\%_]/g, "\\$&")}%`;

type Eb = ExpressionBuilder<DB, "households">;

/** The tests of one search: folded text, a phone's digits, a person's name either way round. */
function predicates(terms: SearchTerms) {
  const like = likeOf(terms.text);
  const byText = (col: Expression<unknown>) => sql<boolean>`${fold(col)} like ${like}`;
  const byPhone = (col: Expression<unknown>) =>
    terms.phone ? sql<boolean>`${digits(col)} like ${likeOf(terms.phone)}` : sql<boolean>`false`;
  const person = (t: "g" | "u" | "c") => [
    byText(sql`${sql.ref(`${t}.first_name`)} || ' ' || ${sql.ref(`${t}.last_name`)}`),
    byText(sql`${sql.ref(`${t}.last_name`)} || ' ' || ${sql.ref(`${t}.first_name`)}`),
  ];
  return { like, byText, byPhone, person };
}

type Predicates = ReturnType<typeof predicates>;

/** A guardian of the household by name, e-mail or one of their phones. */
const guardianMatches = (eb: Eb, p: Predicates) =>
  eb.exists(
    eb
      .selectFrom("guardians as g")
      .select("g.id")
      .whereRef("g.household_id", "=", "households.id")
      .where((g) =>
        g.or([
          ...p.person("g"),
          p.byText(g.ref("g.email")),
          p.byPhone(g.ref("g.phone_home")),
          p.byPhone(g.ref("g.phone_mobile")),
          p.byPhone(g.ref("g.phone_work")),
        ]),
      ),
  );

/** An account of the household by name, e-mail or identifiant; a child by name. */
const accountOrChildMatches = (eb: Eb, p: Predicates) => [
  eb.exists(
    eb
      .selectFrom("users as u")
      .select("u.id")
      .whereRef("u.household_id", "=", "households.id")
      .where((u) => u.or([...p.person("u"), p.byText(u.ref("u.email")), p.byText(u.ref("u.login"))])),
  ),
  eb.exists(
    eb
      .selectFrom("children as c")
      .select("c.id")
      .whereRef("c.household_id", "=", "households.id")
      .where((c) => c.or(p.person("c"))),
  ),
];

/** The households matching by name, N° Famille, a guardian, an account, a child, an e-mail or a phone. */
function matches(eb: Eb, terms: SearchTerms) {
  const p = predicates(terms);
  return eb.or([
    p.byText(eb.ref("households.name")),
    eb("households.number", "like", p.like),
    p.byPhone(eb.ref("households.phone_main")),
    p.byPhone(eb.ref("households.phone_other")),
    guardianMatches(eb, p),
    ...accountOrChildMatches(eb, p),
  ]);
}

/** One page of the town's households (RLS: the staff's own town), with their guardians and children. */
export async function searchHouseholds(
  trx: Trx,
  terms: SearchTerms,
  page: { limit: number; offset: number },
) {
  const filtered = trx
    .selectFrom("households")
    .where((eb) => (terms.text || terms.phone ? matches(eb, terms) : eb.val(true)));
  const total = await filtered.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  const rows = await filtered
    .select(["households.id", "households.number", "households.name"])
    .select([
      sql<string | null>`(select string_agg(g.first_name || ' ' || g.last_name, ', ' order by g.rank)
        from guardians g where g.household_id = households.id)`.as("guardians"),
      sql<string | null>`(select string_agg(c.first_name || ' ' || c.last_name, ', ' order by c.birth_date)
        from children c where c.household_id = households.id)`.as("children"),
    ])
    .orderBy("households.name")
    .orderBy("households.number")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { total: Number(total.n), rows };
}

/** The household's accounts: how each parent signs in. */
export function accounts(trx: Trx, householdId: string) {
  return trx
    .selectFrom("users")
    .select(["id", "first_name", "last_name", "email", "login", "email_verified_at", "must_change_password"])
    .where("household_id", "=", householdId)
    .orderBy("created_at")
    .execute();
}
