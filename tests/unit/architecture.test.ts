import { describe, expect, it } from "vitest";
import {
  cycleEdges,
  foreignWrites,
  handInput,
  handScopes,
  internals,
  readTree,
  routeSql,
  type SourceTree,
  subSliceWrites,
  unnamedWrites,
} from "../helpers/architecture.ts";

/**
 * The layering rules of docs/architecture.md §9, read from the code itself. Each rule has a
 * list of the places that break it today (the debt issue 12 pays off): a new break fails the
 * build, and so does a paid debt left on the list, so the lists only shrink.
 */

/** The one slice that may write each table (« one owner per table »). */
const OWNERS: Record<string, string> = {
  absences: "planning",
  audit_log: "audit",
  auth_events: "auth",
  auth_tokens: "auth",
  authorised_persons: "children",
  baskets: "billing",
  booking_dossiers: "planning",
  bookings: "planning",
  broadcasts: "messages",
  campaign_answers: "enrolment",
  change_requests: "requests",
  child_consents: "children",
  children: "children",
  closure_requests: "my-data",
  counters: "lib",
  credit_allocations: "billing",
  documents: "documents",
  facilities: "planning",
  enrolments: "enrolment",
  guardians: "household",
  health_access_log: "health-log",
  health_records: "children",
  home_visits: "home",
  households: "household",
  info_pages: "news",
  invoice_lines: "billing",
  invoices: "billing",
  invoicing_jobs: "billing",
  invoicing_runs: "billing",
  known_devices: "auth",
  login_secrets: "db",
  message_attachments: "messages",
  message_threads: "messages",
  messages: "messages",
  news: "news",
  occupancy: "planning",
  operator_passkeys: "auth",
  operator_second_factors: "platform",
  operator_sessions: "auth",
  operators: "platform",
  outbox: "integrations",
  passkeys: "auth",
  payment_attempts: "billing",
  payments: "billing",
  periods: "planning",
  place_releases: "planning",
  platform_audit: "platform",
  preregistrations: "preregistration",
  refunds: "billing",
  regies: "billing",
  retention_notices: "my-data",
  school_holidays: "platform",
  school_requests: "enrolment",
  school_settings: "enrolment",
  school_streets: "enrolment",
  second_factors: "auth",
  services: "planning",
  sessions: "auth",
  support_entries: "support",
  tariffs: "billing",
  tenants: "tenancy",
  town_forms: "news",
  update_campaigns: "enrolment",
  users: "auth",
};

/** The demo seeds every table, as a test factory would. */
const EXEMPT = ["demo"];

const DEBT = {
  cycles: [] as string[],
  routeSql: [] as string[],
  internals: [] as string[],
  foreignWrites: [] as string[],
  handScopes: [] as string[],
  handInput: [] as string[],
};

const tree = readTree("src");

const rules = {
  cycles: cycleEdges,
  routeSql,
  internals,
  foreignWrites: (t: SourceTree) => foreignWrites(t, OWNERS, EXEMPT),
  handScopes,
  handInput,
} satisfies Record<keyof typeof DEBT, (t: SourceTree) => string[]>;

describe("the code keeps the layering of docs/architecture.md §9", () => {
  for (const [rule, check] of Object.entries(rules) as Array<
    [keyof typeof DEBT, (t: SourceTree) => string[]]
  >) {
    it(`${rule}: no break beyond the known debt, and paid debt leaves the list`, () => {
      const found = check(tree);
      expect(
        found.filter((v) => !DEBT[rule].includes(v)),
        "new breaks",
      ).toEqual([]);
      expect(
        DEBT[rule].filter((v) => !found.includes(v)),
        "paid debt: remove it from DEBT",
      ).toEqual([]);
    });
  }
  it("every write names its table, or the tables a variable can be", () => {
    expect(unnamedWrites(tree)).toEqual([]);
  });
  it("every table written by the code has an owner", () => {
    const unowned = foreignWrites(tree, OWNERS, EXEMPT).filter(
      (v) => !((v.split(" ← ")[0] as string) in OWNERS),
    );
    expect(unowned).toEqual([]);
  });
});

/** Inside planning, booking/ alone writes the booking tables (docs/architecture.md §3). */
const BOOKING_TABLES = ["bookings", "booking_dossiers", "occupancy", "place_releases"];

describe("planning's sub-slices", () => {
  it("only booking/ writes bookings, dossiers, occupancy and place releases", () => {
    expect(subSliceWrites(tree, "planning", "booking", BOOKING_TABLES)).toEqual([]);
  });
  it("catches a write from another sub-slice, or from a file at planning's root", () => {
    const planted: SourceTree = {
      "src/features/planning/booking/repo.ts": 'await trx.insertInto("bookings").values(v);',
      "src/features/planning/review/service.ts": 'await trx\n  .updateTable("bookings")\n  .set({});',
      "src/features/planning/port.ts": "await sql`delete from place_releases where x`;",
      "src/features/billing/service.ts": 'await trx.updateTable("bookings").set({});',
    };
    expect(subSliceWrites(planted, "planning", "booking", BOOKING_TABLES)).toEqual([
      "bookings ← planning/review",
      "place_releases ← planning/port",
    ]);
  });
});

describe("each rule catches a break made on purpose", () => {
  const planted: SourceTree = {
    "src/features/a/service.ts": 'import { b } from "../b/helpers.ts";\nexport const a = 1;',
    "src/features/b/helpers.ts": 'import { a } from "../a/service.ts";\nexport const b = a;',
    "src/features/b/routes.ts":
      'import * as repo from "./repo.ts";\nconst x = trx.selectFrom("news");\nawait trx.insertInto("bookings").values(v);',
    "src/features/b/repo.ts":
      'await trx\n  .updateTable("invoices")\n  .set({});\nawait sql`delete from occupancy where x`;',
  };
  it("finds the cycle, the SQL in a route, the reach into internals and the foreign writes", () => {
    expect(cycleEdges(planted)).toEqual(["a→b", "b→a"]);
    expect(routeSql(planted)).toEqual([
      "src/features/b/routes.ts imports src/features/b/repo",
      "src/features/b/routes.ts sends SQL",
    ]);
    expect(internals(planted)).toEqual(["a → src/features/b/helpers"]);
    expect(foreignWrites(planted, { bookings: "planning", invoices: "billing", occupancy: "b" }, [])).toEqual(
      ["bookings ← b", "invoices ← b"],
    );
  });
  it("finds a transaction or a context opened by hand, and input read by hand", () => {
    const hand: SourceTree = {
      "src/features/a/routes.ts": "const body = await c.req.parseBody();\nawait deps.db.withTenant(ctx, fn);",
      "src/features/a/service.ts": 'const ctx = { role: "app_parent", tenantId, householdId };',
      "src/features/a/renew-job.ts": "await db.withTenant(ctx, fn);",
      "src/features/b/query.ts": "const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}/i;",
      "src/http/forms.ts": "const body = await c.req.parseBody();",
      "src/features/b/routes.ts": "return inTransaction(c, deps.db, (trx) => list(trx));",
    };
    expect(handScopes(hand)).toEqual(["src/features/a/routes.ts", "src/features/a/service.ts"]);
    expect(handInput(hand)).toEqual(["src/features/a/routes.ts", "src/features/b/query.ts"]);
  });
  it("finds a write to a table chosen at run time, and counts the tables its comment names", () => {
    const dynamic: SourceTree = {
      "src/features/a/repo.ts": "await trx.deleteFrom(table).execute();",
      "src/features/b/repo.ts": "// writes: invoices, bookings\nawait trx.insertInto(table).values(v);",
    };
    expect(unnamedWrites(dynamic)).toEqual(["src/features/a/repo.ts"]);
    expect(foreignWrites(dynamic, { invoices: "billing", bookings: "b" }, [])).toEqual(["invoices ← b"]);
  });
});
