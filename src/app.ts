import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { accountRoutes } from "./auth/account-routes.ts";
import { connectionsRoutes } from "./auth/connections-routes.ts";
import { loadSession } from "./auth/middleware.ts";
import { authRoutes } from "./auth/routes.ts";
import { secondFactorRoutes } from "./auth/second-factor-routes.ts";
import { composeFeatures } from "./compose.ts";
import { billingBasketRoutes } from "./features/billing/basket/basket-routes.ts";
import { billingParentRoutes } from "./features/billing/invoices/parent-routes.ts";
import { billingStaffInvoicingRoutes } from "./features/billing/invoicing/staff-invoicing-routes.ts";
import { billingPaymentRoutes, payfipFormTarget } from "./features/billing/payments/online/payment-routes.ts";
import { billingStaffSettingsRoutes } from "./features/billing/settings/staff-settings-routes.ts";
import { childrenRoutes } from "./features/children/routes.ts";
import { childrenStaffRoutes } from "./features/children/staff-routes.ts";
import { completenessRoutes } from "./features/completeness/routes.ts";
import { documentsRoutes } from "./features/documents/routes.ts";
import { documentsStaffRoutes } from "./features/documents/staff-routes.ts";
import { campaignRoutes } from "./features/enrolment/campaign/routes.ts";
import { campaignStaffRoutes } from "./features/enrolment/campaign/staff-routes.ts";
import { enrolmentRoutes } from "./features/enrolment/enrolments/routes.ts";
import { enrolmentStaffRoutes } from "./features/enrolment/enrolments/staff-routes.ts";
import { schoolRoutes } from "./features/enrolment/school/routes.ts";
import { schoolStaffRoutes } from "./features/enrolment/school/staff-routes.ts";
import { tariffRoutes } from "./features/enrolment/tariffs/routes.ts";
import { healthLogRoutes, healthLogStaffRoutes } from "./features/health-log/routes.ts";
import { homeRoutes } from "./features/home/routes.ts";
import { householdRoutes } from "./features/household/routes.ts";
import { householdStaffRoutes } from "./features/household/staff/staff-routes.ts";
import { legalRoutes } from "./features/legal/routes.ts";
import { messagesRoutes, unreadCount } from "./features/messages/routes.ts";
import { messagesStaffRoutes } from "./features/messages/staff-routes.ts";
import { myDataRoutes, myDataStaffRoutes } from "./features/my-data/routes.ts";
import { newsRoutes } from "./features/news/routes.ts";
import { newsStaffRoutes } from "./features/news/staff-routes.ts";
import { planningStaffAbsenceRoutes } from "./features/planning/absences/staff-absence-routes.ts";
import { planningAgendaRoutes } from "./features/planning/agenda/agenda-routes.ts";
import { planningStaffAttendanceRoutes } from "./features/planning/attendance/staff-attendance-routes.ts";
import { planningCalendarRoutes } from "./features/planning/calendar/calendar-routes.ts";
import { planningStaffOfferRoutes } from "./features/planning/offer/staff-offer-routes.ts";
import { planningStaffReviewRoutes } from "./features/planning/review/staff-review-routes.ts";
import { planningWizardRoutes } from "./features/planning/wizard/wizard-routes.ts";
import { platformRoutes } from "./features/platform/routes.ts";
import { schoolCalendarRoutes } from "./features/platform/school-calendar/school-calendar-routes.ts";
import { preregistrationRoutes } from "./features/preregistration/routes.ts";
import { preregistrationStaffRoutes } from "./features/preregistration/staff-routes.ts";
import { requestsRoutes } from "./features/requests/routes.ts";
import { requestsStaffRoutes } from "./features/requests/staff-routes.ts";
import { settingsRoutes } from "./features/settings/routes.ts";
import { staffRoutes } from "./features/staff/routes.ts";
import { supportConsoleRoutes } from "./features/support/console-routes.ts";
import { supportRoutes, supportSession } from "./features/support/routes.ts";
import { teamRoutes } from "./features/team/routes.ts";
import { clientAddress, fromThisMachine } from "./http/client-address.ts";
import { compressResponse } from "./http/compression.ts";
import { describeFailure, neutralFailureResponse } from "./http/failure.ts";
import { page } from "./http/render.ts";
import { applySecurityHeaders, securityTxt } from "./http/security.ts";
import { siteApp } from "./http/site-app.ts";
import type { AppEnv, Bindings, Deps } from "./http/types.ts";
import { configureMailLinks } from "./integrations/mail/links.ts";
import { mailboxRoutes } from "./integrations/mail/mailbox-routes.ts";
import type { Site } from "./tenancy/resolve.ts";

type Routes = (deps: Deps) => Hono<AppEnv>;

/** What every town account has, parent or staff: sign-in, the account, its devices, its second factor. */
const accountPages = (kind: "parent" | "staff"): Routes[] =>
  [authRoutes, accountRoutes, connectionsRoutes, secondFactorRoutes].map((routes) => (d) => routes(d, kind));

/** The parents' pages, at the root of the town's portal. */
const PARENT_ROUTES: Routes[] = [
  homeRoutes,
  () => legalRoutes(),
  healthLogRoutes,
  myDataRoutes,
  ...accountPages("parent"),
  householdRoutes,
  childrenRoutes,
  documentsRoutes,
  requestsRoutes,
  completenessRoutes,
  preregistrationRoutes,
  planningCalendarRoutes,
  planningWizardRoutes,
  planningAgendaRoutes,
  billingParentRoutes,
  billingPaymentRoutes,
  billingBasketRoutes,
  messagesRoutes,
  newsRoutes,
  schoolRoutes,
  enrolmentRoutes,
  tariffRoutes,
  campaignRoutes,
];

/** The town staff's pages, under /agents. */
const STAFF_ROUTES: Routes[] = [
  ...accountPages("staff"),
  staffRoutes,
  householdStaffRoutes,
  childrenStaffRoutes,
  healthLogStaffRoutes,
  myDataStaffRoutes,
  documentsStaffRoutes,
  requestsStaffRoutes,
  preregistrationStaffRoutes,
  planningStaffReviewRoutes,
  planningStaffAbsenceRoutes,
  planningStaffAttendanceRoutes,
  planningStaffOfferRoutes,
  billingStaffInvoicingRoutes,
  billingStaffSettingsRoutes,
  teamRoutes,
  settingsRoutes,
  supportRoutes,
  messagesStaffRoutes,
  newsStaffRoutes,
  enrolmentStaffRoutes,
  schoolStaffRoutes,
  campaignStaffRoutes,
];

/** The town's own colours and logo, served before anything else (a closed town keeps them). */
function townIdentity(app: Hono<AppEnv>) {
  app.get("/theme.css", (c) => {
    c.header("Cache-Control", "public, max-age=300");
    const b = c.get("tenant").config.branding;
    return c.body(`:root{--town-primary:${b.primary};--town-on-primary:${b.onPrimary};}`, 200, {
      "Content-Type": "text/css; charset=utf-8",
    });
  });
  app.get("/logo.svg", (c) => {
    const svg = c.get("tenant").logoSvg;
    if (!svg) return c.notFound();
    c.header("Cache-Control", "public, max-age=300");
    c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    return c.body(svg, 200, { "Content-Type": "image/svg+xml" });
  });
}

/** A town's portal: parents at /, staff at /agents. */
function portalApp(deps: Deps) {
  const app = siteApp(deps.env);
  app.use(async (c, next) => {
    const site = c.env.site;
    if (site.kind !== "tenant") return c.notFound();
    c.set("tenant", site.tenant);
    c.set("session", null);
    return next();
  });
  townIdentity(app);
  // A closed town keeps its identity (logo, colours) on the page that says it is closed.
  app.use(async (c, next) =>
    c.get("tenant").status === "suspended" ? page(c, "errors/closed", {}, 503) : next(),
  );
  app.use(loadSession(deps.db, unreadCount));
  app.use(supportSession(deps));
  app.use(payfipFormTarget(deps));
  for (const routes of PARENT_ROUTES) app.route("/", routes(deps));
  for (const routes of STAFF_ROUTES) app.route("/agents", routes(deps));
  return app;
}

function singleRouteApp(deps: Deps, routes: Hono<AppEnv>) {
  const app = siteApp(deps.env);
  app.use(async (c, next) => {
    c.set("session", null);
    c.set("operator", null);
    await next();
  });
  app.route("/", routes);
  return app;
}

/** Any other host: a neutral page that names no town. */
function unknownHostApp(deps: Deps) {
  const app = siteApp(deps.env);
  app.all("*", (c) => page(c, "errors/unknown-host", {}, 404));
  return app;
}

/** The operators' console: the towns, support access, then the school calendar (their operator set by platformRoutes). */
function operatorConsole(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.route("/", platformRoutes(deps));
  app.route("/", supportConsoleRoutes(deps));
  app.route("/", schoolCalendarRoutes(deps));
  return app;
}

type NodeEnv = { incoming?: IncomingMessage };
type RootEnv = { Bindings: NodeEnv; Variables: { requestId: string } };

/** Every error that escapes a site's own handler (e.g. resolving the host when the database is down). */
function rootError(deps: Deps) {
  return (err: Error, c: Context<RootEnv>) => {
    const requestId = c.get("requestId") ?? randomUUID();
    const log = deps.log.child({ site: "none", method: c.req.method, path: c.req.path });
    return neutralFailureResponse(describeFailure(err, log, requestId), requestId);
  };
}

const healthHeaders =
  (deps: Deps): MiddlewareHandler =>
  async (c, next) => {
    await next();
    applySecurityHeaders(c.res.headers, deps.env);
  };

/** Liveness, readiness (the database answers) and the platform's security.txt, outside any site. */
function healthRoutes(root: Hono<RootEnv>, deps: Deps) {
  root.use("/livez", healthHeaders(deps));
  root.use("/readyz", healthHeaders(deps));
  root.use("/.well-known/security.txt", healthHeaders(deps));
  root.get("/.well-known/security.txt", (c) => c.text(securityTxt(deps.env, deps.now())));
  root.get("/livez", (c) => c.text("ok"));
  root.get("/readyz", async (c) => {
    try {
      await deps.db.ping();
      return c.text("ready");
    } catch {
      return c.text("database unavailable", 503);
    }
  });
}

/** The site a request is for, from its host; the demo's mailbox only from this machine. */
async function siteOf(deps: Deps, c: Context<RootEnv>): Promise<Site> {
  const resolved = await deps.sites.resolve(c.req.header("host"));
  // The demo's mailbox shows every activation link: only to this machine, never through a proxy.
  const local = fromThisMachine(c.req.header("x-forwarded-for"), c.env?.incoming?.socket.remoteAddress);
  return resolved.kind === "mailbox" && !local ? { kind: "unknown", hostname: resolved.hostname } : resolved;
}

/** Every request: its id, its site's app, compression, and one log line. */
function dispatch(deps: Deps, apps: Record<Site["kind"], Hono<AppEnv>>) {
  return async (c: Context<RootEnv>) => {
    const started = performance.now();
    const given = c.req.header("x-request-id");
    const requestId = given && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    c.set("requestId", requestId);
    const site = await siteOf(deps, c);
    const ip = clientAddress(
      c.req.header("x-forwarded-for"),
      c.env?.incoming?.socket.remoteAddress,
      deps.env.TRUST_PROXY,
    );
    const log = deps.log.child({ requestId, site: site.kind === "tenant" ? site.tenant.slug : site.kind });
    const bindings: Bindings = { site, requestId, log, ip };
    const res = await compressResponse(c.req.raw, await apps[site.kind].fetch(c.req.raw, bindings));
    res.headers.set("X-Request-Id", requestId);
    // Sub-apps may have named the actor on the request's logger (src/http/request-log.ts).
    const ms = Math.round(performance.now() - started);
    bindings.log.info({ method: c.req.method, path: c.req.path, status: res.status, ms }, "request");
    return res;
  };
}

export function createApp(deps: Deps) {
  composeFeatures();
  configureMailLinks(deps.env);
  const apps: Record<Site["kind"], Hono<AppEnv>> = {
    tenant: portalApp(deps),
    operator: singleRouteApp(deps, operatorConsole(deps)),
    mailbox: deps.mailbox ? singleRouteApp(deps, mailboxRoutes(deps.mailbox)) : unknownHostApp(deps),
    unknown: unknownHostApp(deps),
  };
  const root = new Hono<RootEnv>();
  root.onError(rootError(deps));
  healthRoutes(root, deps);
  root.all("*", dispatch(deps, apps));
  return root;
}
