import { Hono } from "hono";
import { page } from "../../../../http/render.ts";
import { inTransaction } from "../../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../../http/types.ts";
import { accountsReport, RULE_LABELS, type Rule } from "./accounts-check.ts";

/** « Contrôle des comptes »: the town's ledger invariants, each exception listed and linked. */
export function staffCheckRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/facturation/controle", async (c) => {
    const data = await inTransaction(c, deps.db, accountsReport);
    const rules = (Object.keys(RULE_LABELS) as Rule[]).map((rule) => ({
      rule,
      label: RULE_LABELS[rule],
      items: data.found
        .filter((e) => e.rule === rule)
        .map((e) => ({ ...e, household: data.names.get(e.householdId) ?? "Foyer" })),
    }));
    return page(c, "billing/staff/check", { rules, count: data.found.length });
  });
  return app;
}
