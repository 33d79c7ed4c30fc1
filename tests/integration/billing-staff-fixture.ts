/**
 * Staff billing tests: issued invoices written straight through the owner connection (as an
 * invoicing run would leave them), and signed-in clients of a town.
 */
import { expect, vi } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import type { TestPlatform } from "../helpers/platform.ts";

let ip = 0;

export const hostOf = (slug: string) => `${slug}.localhost:3000`;

export async function signIn(p: TestPlatform, slug: string, identifier: string, base = "") {
  const c = client(p.app, hostOf(slug), { ip: `203.0.113.${++ip}` });
  expect((await c.login(identifier, DEMO_PASSWORD, base)).status).toBe(303);
  return c;
}

export const staffOf = (p: TestPlatform, slug: string) => signIn(p, slug, `admin@${slug}.test`, "/agents");

export interface SeedLine {
  label: string;
  quantity: number;
  unitCents: number;
  day?: string;
}

/** An issued invoice of a household on a régie, with its lines; returns its id and number. */
export async function seedInvoice(
  p: TestPlatform,
  slug: string,
  householdNumber: string,
  regieKey: string,
  lines: SeedLine[],
) {
  const tenantId = p.tenants.get(slug) as string;
  const household = await p.owner
    .selectFrom("households")
    .select("id")
    .where("tenant_id", "=", tenantId)
    .where("number", "=", householdNumber)
    .executeTakeFirstOrThrow();
  const regie = await p.owner
    .selectFrom("regies")
    .select(["id", "invoice_prefix"])
    .where("tenant_id", "=", tenantId)
    .where("key", "=", regieKey)
    .executeTakeFirstOrThrow();
  const last = await p.owner
    .selectFrom("invoices")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("regie_id", "=", regie.id)
    .where("kind", "=", "invoice")
    .executeTakeFirst();
  const seq = Number(last?.seq ?? 0) + 1;
  const number = `${regie.invoice_prefix}${seq}`;
  const invoice = await p.owner
    .insertInto("invoices")
    .values({
      tenant_id: tenantId,
      regie_id: regie.id,
      household_id: household.id,
      kind: "invoice",
      seq,
      number,
      month: "2026-10-01",
      issued_on: "2026-11-02",
      due_on: "2026-12-02",
      total_cents: lines.reduce((s, l) => s + l.quantity * l.unitCents, 0),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await p.owner
    .insertInto("invoice_lines")
    .values(
      lines.map((l, position) => ({
        tenant_id: tenantId,
        invoice_id: invoice.id,
        household_id: household.id,
        day: l.day ?? null,
        label: l.label,
        quantity: l.quantity,
        unit_cents: l.unitCents,
        amount_cents: l.quantity * l.unitCents,
        position,
      })),
    )
    .execute();
  return { id: invoice.id, number, householdId: household.id, regieId: regie.id, tenantId };
}

/** The audit rows written about an entity. */
export function auditOf(p: TestPlatform, entity: string, entityId: string) {
  return p.owner
    .selectFrom("audit_log")
    .select(["action", "actor_kind", "fields"])
    .where("entity", "=", entity)
    .where("entity_id", "=", entityId)
    .execute();
}

/** The text of an HTML page with tags dropped and spaces collapsed (for « contains » checks). */
export async function textOf(res: Response) {
  const html = await res.text();
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/[\s\u00a0\u202f]+/g, " ");
}

/**
 * Follows « Émettre les factures » (a 303 to the run's progress page) until the job worker
 * ends the run: returns where the progress page leads then (its 303), or the page itself
 * when the run failed.
 */
export async function awaitRun(staff: Awaited<ReturnType<typeof staffOf>>, issued: Response) {
  expect(issued.status).toBe(303);
  const progress = issued.headers.get("location") as string;
  expect(progress).toMatch(/^\/agents\/facturation\/emissions\/[0-9a-f-]{36}$/);
  let last: Response | null = null;
  await vi.waitFor(
    async () => {
      last = await staff.get(progress);
      const body = last.status === 200 ? await last.clone().text() : "";
      if (last.status !== 303 && !body.includes('role="alert"')) throw new Error("run under way");
    },
    { timeout: 60_000, interval: 100 },
  );
  return last as unknown as Response;
}

/** A town's régie by its key (« restauration »…). */
export async function regieIdOf(p: TestPlatform, tenantId: string, key: string): Promise<string> {
  const regie = await p.owner
    .selectFrom("regies")
    .select("id")
    .where("tenant_id", "=", tenantId)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
  return regie.id;
}

/** What invoicing has written, counted: runs, invoices, their lines, and the invoice counters. */
export async function invoicingWrites(p: TestPlatform) {
  return {
    runs: (await p.owner.selectFrom("invoicing_runs").select("id").execute()).length,
    invoices: (await p.owner.selectFrom("invoices").select("id").execute()).length,
    lines: (await p.owner.selectFrom("invoice_lines").select("id").execute()).length,
    counters: await p.owner
      .selectFrom("counters")
      .select(["name", "value"])
      .where("name", "like", "invoice:%")
      .execute(),
  };
}
