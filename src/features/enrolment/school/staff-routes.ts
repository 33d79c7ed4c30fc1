import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireStaff } from "../../../auth/middleware.ts";
import { readForm, readUpload, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { asStaff } from "../parent-scope.ts";
import { certificateDownload } from "./certificate-download.ts";
import * as schoolService from "./service.ts";

const MESSAGES: Record<string, string> = {
  carte: "La carte scolaire est importée.",
  pieces: "Les pièces à fournir sont enregistrées : elles sont demandées avec chaque nouvelle demande.",
  acceptee:
    "La demande est acceptée : le certificat d'inscription est disponible et la famille prévenue par e-mail.",
  refusee: "La demande est refusée. La famille est prévenue par e-mail, avec le motif.",
};

const BASE = "/inscriptions-scolaires";

async function listPage(
  deps: Deps,
  c: Context<AppEnv>,
  errors: Record<string, string> = {},
  reasonFor?: string,
) {
  const school = c.req.query("ecole") || undefined;
  const tenant = c.get("tenant");
  const data = await asStaff(deps, c, async (trx) => ({
    rows: await schoolService.staffList(trx, tenant, school),
    schools: await schoolService.schools(trx),
    required: await schoolService.requiredDocuments(trx, tenant),
  }));
  const years = schoolService.schoolYears(deps.now());
  const message = MESSAGES[c.req.query("message") ?? ""];
  const status = Object.keys(errors).length ? 422 : 200;
  const types = tenant.config.householdFile.documents.types;
  return page(
    c,
    "enrolment/school-staff",
    { ...data, types, school, years, errors, reasonFor, message },
    status,
  );
}

/** « Carte scolaire »: the CSV of streets and their sector schools replaces the previous one. */
async function importMap(deps: Deps, c: Context<AppEnv>) {
  const file = (await readUpload(c)).files.fichier?.[0];
  const text = file && file.size <= 2_000_000 ? await file.text() : "";
  if (!text)
    return listPage(deps, c, { fichier: "Choisissez le fichier CSV de la carte scolaire (2 Mo au plus)." });
  const out = await asStaff(deps, c, (trx) => schoolService.importMap(trx, c.get("tenant"), text));
  if (!out.ok) return listPage(deps, c, { fichier: out.error });
  return seeOther(c, `/agents${BASE}?message=carte`);
}

/** Accepting, or refusing with the reason the family is sent. */
async function decide(deps: Deps, c: Context<AppEnv>) {
  const id = uuidParam(c, "id");
  const { values: body } = await readForm(c, z.object({}));
  const reason = typeof body.motif === "string" ? body.motif.trim().slice(0, 500) : "";
  const accept = body.decision === "accepter";
  if (!accept && !reason)
    return listPage(deps, c, { motif: "Indiquez le motif du refus : il est envoyé à la famille." }, id);
  const decision = accept ? { accept: true as const } : { accept: false as const, reason };
  await asStaff(deps, c, (trx, actor) => schoolService.decide(trx, c.get("tenant"), actor, id, decision));
  return seeOther(c, `/agents${BASE}?message=${accept ? "acceptee" : "refusee"}`);
}

/** A school's class lists of one school year, as a CSV file. */
async function classLists(deps: Deps, c: Context<AppEnv>) {
  const school = c.req.query("ecole") ?? "";
  const year = c.req.query("annee") ?? "";
  const csv = await asStaff(deps, c, (trx) => schoolService.classListCsv(trx, school, year));
  const name = `${school}-${year}`.normalize("NFD").replace(/[^A-Za-z0-9-]+/g, "-");
  return c.body(csv, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="liste-${name}.csv"`,
  });
}

/** « Inscriptions scolaires » (mounted at /agents): requests per school and level, school map, class lists. */
export function schoolStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use(BASE, requireStaff);
  app.use(`${BASE}/*`, requireStaff);
  app.get(BASE, (c) => listPage(deps, c));
  app.post(`${BASE}/carte`, (c) => importMap(deps, c));
  app.post(`${BASE}/pieces`, async (c) => {
    const { values } = await readForm(c, z.object({}), { all: true });
    const keys = ([] as string[]).concat(values.pieces ?? []);
    await asStaff(deps, c, (trx) => schoolService.setRequiredDocuments(trx, c.get("tenant"), keys));
    return seeOther(c, `/agents${BASE}?message=pieces`);
  });
  app.post(`${BASE}/:id/decision`, (c) => decide(deps, c));
  app.get(`${BASE}/listes.csv`, (c) => classLists(deps, c));
  app.get(`${BASE}/:id/certificat`, async (c) => {
    const id = uuidParam(c, "id");
    const cert = await asStaff(deps, c, (trx) =>
      schoolService.certificate(trx, c.get("tenant"), id, null, deps.now()),
    );
    return certificateDownload(c, cert);
  });
  return app;
}
