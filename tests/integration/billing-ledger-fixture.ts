import { townJobs } from "../../src/db/database.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkAccounts } from "../../src/features/billing/payments/accounts-check/accounts-check.ts";
import { settleAttempt } from "../../src/features/billing/payments/online/online-payment.ts";
import {
  type RunningSimulator,
  startPayfipSimulator,
} from "../../src/integrations/payfip/simulator/server.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

/** Séné's Famille TEST signed in, the PayFiP simulator, and the Wednesdays period. */
export async function seneLedger() {
  const p: TestPlatform = await createTestPlatform();
  const sim: RunningSimulator = await startPayfipSimulator({ port: 0 });
  p.deps.payfip.base = sim.url;
  const household = await completeFile(p, "sene", "1001");
  const tenant: Tenant = await townOf(p, "sene");
  const kids = await p.owner.selectFrom("children").select(["id", "first_name"]).execute();
  const paul = kids.find((k) => k.first_name === "Paul")?.id as string;
  const emma = kids.find((k) => k.first_name === "Emma-Rose")?.id as string;
  const period = (
    await p.owner
      .selectFrom("periods")
      .select("id")
      .where("tenant_id", "=", tenant.id)
      .where("key", "=", "mercredi-pompidou-2026-2027")
      .executeTakeFirstOrThrow()
  ).id;
  const lola = client(p.app, "sene.localhost:3000");
  if ((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status !== 303) throw new Error("login");
  const settings = () => ({ base: sim.url, saisie: "T" as const });

  /** « Valider » in the wizard for these children and days. */
  const book = async (children: string[], days: string[]) => {
    const res = await lola.post("/planning/reserver/valider", [
      ["periode", period],
      ...children.map((e): [string, string] => ["enfants", e]),
      ...days.map((j): [string, string] => ["jours", j]),
      ["cle", crypto.randomUUID()],
    ]);
    return res;
  };
  const bookingOf = (childId: string, day: string) =>
    p.owner
      .selectFrom("bookings")
      .selectAll()
      .where("child_id", "=", childId)
      .where("day", "=", day)
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
  /** « Valider et payer » then the card paid on the simulator; returns the attempt's amount. */
  async function payBasket(basketId: string, now: Date) {
    const res = await lola.post("/panier/payer", { panier: basketId });
    const location = res.headers.get("location") as string;
    if (!location?.startsWith(sim.url))
      return {
        location:
          location ??
          (await res.text()).replace(/\s+/g, " ").match(/role="alert">[^<]*/)?.[0] ??
          `status ${res.status}`,
        amount: 0,
      };
    const idOp = new URL(location).searchParams.get("idop") as string;
    await sim.control.complete(idOp, "P");
    await settleAttempt(townJobs(p.db, tenant.id), tenant, idOp, settings(), p.deps.log, now);
    const a = await p.owner
      .selectFrom("payment_attempts")
      .select("amount_cents")
      .where("idop", "=", idOp)
      .executeTakeFirstOrThrow();
    return { location, amount: Number(a.amount_cents) };
  }
  /** « Annuler plus de jours »: these bookings at once. */
  const cancel = (ids: string[]) =>
    lola.post(`/planning/annuler/plus?periode=${period}`, [
      ...ids.map((id): [string, string] => ["reservations", id]),
      ["cle", crypto.randomUUID()],
    ]);
  /** « Contrôle des comptes » of the town: its exceptions (none expected). */
  const accountsCheck = () =>
    p.db.withTenant({ role: "app_jobs", tenantId: tenant.id }, (trx) => checkAccounts(trx));
  const close = async () => {
    await sim.close();
    await p.close();
  };
  return {
    p,
    sim,
    tenant,
    household,
    paul,
    emma,
    period,
    lola,
    settings,
    book,
    bookingOf,
    payBasket,
    cancel,
    close,
    accountsCheck,
  };
}

export type SeneLedger = Awaited<ReturnType<typeof seneLedger>>;
