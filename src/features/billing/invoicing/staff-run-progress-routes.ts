import { type Context, Hono } from "hono";
import { uuidParam } from "../../../http/forms.ts";
import { page } from "../../../http/render.ts";
import { inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { monthLabel } from "../../../lib/dates.ts";
import { runRequest } from "./invoicing-requests.ts";

type RunRequest = Awaited<ReturnType<typeof runRequest>>;

const resultOf = (r: RunRequest) =>
  `/agents/facturation?${new URLSearchParams({ regie: r.regie_id, mois: r.month, emises: String(r.issued) })}`;

async function requestOf(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  return inTransaction(c, deps.db, (trx) => runRequest(trx, id));
}

/**
 * « Émission des factures »: the run staff asked for, while the job issues it. The page
 * refreshes its progress every second with htmx (or when reloaded, without JavaScript); once
 * the run is issued it leads to the runs page with its result.
 */
export function staffRunProgressRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/facturation/emissions/:id", async (c) => {
    const request = await requestOf(c, deps);
    if (request.state === "done") return c.redirect(resultOf(request), 303);
    return page(c, "billing/staff/run-progress", { request, monthLabel });
  });
  app.get("/facturation/emissions/:id/etat", async (c) => {
    const request = await requestOf(c, deps);
    if (request.state === "done") c.header("HX-Redirect", resultOf(request));
    return page(c, "billing/staff/_run-progress", { request, monthLabel });
  });
  return app;
}
