import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireParent } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import { notFound } from "../../../http/errors.ts";
import { readForm, readUpload, uuidParam, uuidQuery } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { shortDate } from "../../../lib/dates.ts";
import { formatsLabel, sizeLabel } from "../../documents/files-service.ts";
import * as documentsService from "../../documents/service.ts";
import { parentPlanning } from "../calendar/calendar-context.ts";
import { orProblems, PlanningError } from "../common/errors.ts";
import * as absences from "./absence-service.ts";

const CERTIFICATE = "justificatif_absence";
const MULTIPART_OVERHEAD = 64 * 1024;
const NOTICES: Record<string, string> = {
  declaree: "Votre déclaration d'absence a été enregistrée.",
  recu: "Votre justificatif d'absence a été déposé.",
};

/** The parent's PlanningContext, signed with their full name (the clock is deps.now()). */
export function parentScope(c: Context<AppEnv>, deps: Deps) {
  const s = c.get("session") as SessionUser;
  const { planning } = parentPlanning(c, deps);
  const actorName = `${s.firstName} ${s.lastName}`;
  return { session: s, householdId: planning.householdId, planning: { ...planning, actorName } };
}

/** Where the parent goes back to: the agenda or « Mon planning », on the day's month. */
function backTo(c: Context<AppEnv>, day: string, childId: string) {
  return c.get("tenant").config.planning.view === "agenda"
    ? `/agenda?mois=${day.slice(0, 7)}&enfant=${childId}`
    : `/planning?mois=${day.slice(0, 7)}&enfant=${childId}`;
}

type FormState = { values?: Record<string, string>; errors?: Record<string, string> };

/** The town's « Justificatif d'absence » type, if it asks for one. */
const certificateType = (c: Context<AppEnv>) =>
  c.get("tenant").config.householdFile.documents.types.find((t) => t.key === CERTIFICATE);

/** The « Déclarer une absence » form of one booked day (404 unless it is the household's). */
async function renderForm(
  c: Context<AppEnv>,
  deps: Deps,
  form: FormState,
  status: ContentfulStatusCode = 200,
) {
  const id = uuidQuery(c, "reservation");
  const s = parentScope(c, deps);
  const booking = await inTransaction(c, deps.db, (trx) => absences.bookedDay(trx, s.householdId, id));
  const cfg = s.planning.tenant.config.planning.absences;
  return page(
    c,
    "planning/absence/form",
    {
      booking,
      reasons: cfg.reasons,
      cfg,
      values: form.values ?? {},
      errors: form.errors ?? {},
      back: backTo(c, booking.day, booking.child_id),
    },
    status,
  );
}

/** An absence of the household: its state and, when medical, the certificate to upload. */
async function renderAbsence(
  c: Context<AppEnv>,
  deps: Deps,
  errors: Record<string, string> = {},
  status: ContentfulStatusCode = 200,
) {
  const s = parentScope(c, deps);
  const a = await inTransaction(c, deps.db, (trx) =>
    absences.absenceOf(trx, s.householdId, uuidParam(c, "id")),
  );
  const docs = s.planning.tenant.config.householdFile.documents;
  return page(
    c,
    "planning/absence/show",
    {
      absence: a,
      due: a.certificate_due ? shortDate(a.certificate_due) : null,
      certificate: certificateType(c) ?? null,
      formats: formatsLabel(docs),
      maxSize: sizeLabel(docs.maxBytes),
      accept: docs.extensions.join(","),
      errors,
      message: NOTICES[c.req.query("message") ?? ""],
      back: backTo(c, a.booking.day, a.child_id),
    },
    status,
  );
}

/** « Déclarer une absence » of one booked day: recorded, or the form again with the reason why not. */
async function declare(c: Context<AppEnv>, deps: Deps) {
  const bookingId = uuidQuery(c, "reservation");
  const s = parentScope(c, deps);
  const form = await readForm(c, absences.absenceSchema(s.planning.tenant.config.planning.absences));
  if (!form.ok) return renderForm(c, deps, form, 422);
  const input = { bookingId, reasonKey: form.data.motif, details: form.data.precision };
  const row = await orProblems(
    inTransaction(c, deps.db, (trx) => absences.declareAbsence(trx, s.planning, input)),
  );
  if (row instanceof PlanningError)
    return renderForm(c, deps, { values: form.values, errors: { _form: row.message } }, 422);
  return seeOther(c, `/planning/absences/${row.id}?message=declaree`);
}

/** The medical certificate, stored in the household's documents and linked to the absence. */
async function uploadCertificate(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  const s = parentScope(c, deps);
  const a = await inTransaction(c, deps.db, (trx) => absences.absenceOf(trx, s.householdId, id));
  if (!a.medical || !certificateType(c)) throw notFound();
  const file = (await readUpload(c)).files.file?.[0];
  const values = { type: CERTIFICATE, child_id: a.child_id };
  const checked = await documentsService.checkUpload(s.planning.tenant, { scope: "child", values, file });
  if (!checked.ok) return renderAbsence(c, deps, checked.errors, 422);
  const parent = { userId: s.session.userId, householdId: s.householdId };
  const result = await inTransaction(c, deps.db, async (trx) => {
    const doc = await documentsService.upload(trx, s.planning.tenant, parent, checked);
    if (doc.ok) await absences.attachCertificate(trx, s.householdId, id, doc.id);
    return doc;
  });
  if (!result.ok) return renderAbsence(c, deps, result.errors, 422);
  return seeOther(c, `/planning/absences/${id}?message=recu`);
}

/** « Déclarer une absence » and the absence's page, where a medical certificate is uploaded. */
export function planningAbsenceRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/planning/absence", requireParent, (c) => renderForm(c, deps, {}));
  app.post("/planning/absence", requireParent, (c) => declare(c, deps));
  app.get("/planning/absences/:id", requireParent, (c) => renderAbsence(c, deps));
  app.get("/planning/absences/:id/justificatif", requireParent, (c) => renderAbsence(c, deps));

  // The global 64 KB limit skips this path (site-app.ts): the town sets its own maximum.
  const limit = (c: Context<AppEnv>, next: () => Promise<void>) => {
    const maxBytes = c.get("tenant").config.householdFile.documents.maxBytes;
    const tooBig = { file: `Le fichier dépasse la taille maximale de ${sizeLabel(maxBytes)}.` };
    return bodyLimit({
      maxSize: maxBytes + MULTIPART_OVERHEAD,
      onError: (c) => renderAbsence(c, deps, tooBig, 413),
    })(c, next);
  };
  app.post("/planning/absences/:id/justificatif", requireParent, limit, (c) => uploadCertificate(c, deps));
  return app;
}
