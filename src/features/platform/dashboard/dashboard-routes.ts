import { type Context, Hono } from "hono";
import { page } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { monthLabel, parisToday } from "../../../lib/dates.ts";
import { operatorOf, requireOperator } from "../guard.ts";
import { COLUMNS, dashboard, type SortKey, type TownStats } from "./dashboard-service.ts";

const EUROS = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const MONEY = new Set<string>(["online_cents", "desk_cents"]);

/** A cell as shown (euros for money) and as written in the CSV (cents as euros, dot decimal). */
const shown = (key: string, v: unknown) => (MONEY.has(key) ? EUROS.format(Number(v) / 100) : String(v));
const csvCell = (key: string, v: unknown) =>
  MONEY.has(key) ? (Number(v) / 100).toFixed(2) : `"${String(v).replace(/"/g, '""')}"`;

/** The platform dashboard: per-town activity of the month and the platform's health; sortable, CSV. */
export function platformDashboardRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const load = (c: Context<AppEnv>) => {
    const sort = (COLUMNS.find(([k]) => k === c.req.query("tri"))?.[0] ?? "name") as SortKey;
    const desc = c.req.query("ordre") === "desc";
    const month = parisToday(deps.now()).slice(0, 7);
    return { sort, desc, month, data: dashboard(deps.db, operatorOf(c), month, sort, desc) };
  };
  app.get("/tableau-de-bord", requireOperator, async (c) => {
    const { sort, desc, month, data } = load(c);
    return page(c, "platform/dashboard", {
      ...(await data),
      columns: COLUMNS,
      sort,
      desc,
      month: monthLabel(month),
      shown,
      bytes: (n: number) => `${(n / 1024 / 1024).toFixed(1).replace(".", ",")} Mo`,
    });
  });
  app.get("/tableau-de-bord.csv", requireOperator, async (c) => {
    const { month, data } = load(c);
    const { towns } = await data;
    const lines = [
      COLUMNS.map(([, label]) => `"${label}"`).join(";"),
      ...towns.map((t: TownStats) => COLUMNS.map(([k]) => csvCell(k, t[k])).join(";")),
    ];
    return c.body(`\ufeff${lines.join("\r\n")}\r\n`, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="parvis-communes-${month}.csv"`,
      "Cache-Control": "no-store",
    });
  });
  return app;
}
