import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireStaff } from "../../../auth/middleware.ts";
import type { Trx } from "../../../db/database.ts";
import { readForm, readUpload, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import type { Actor } from "../../audit/service.ts";
import { asStaff } from "../parent-scope.ts";
import * as schoolService from "./service.ts";

const MESSAGES: Record<string, string> = {
  carte: "La carte scolaire est importée.",
  pieces: "Les pièces à fournir sont enregistrées : elles sont demandées avec chaque nouvelle demande.",
  acceptee:
    "La demande est acceptée : le certificat d'inscription est disponible et la famille prévenue par e-mail.",
  refusee: "La demande est refusée. La famille est prévenue par e-mail, avec le motif.",
};

/** « Inscriptions scolaires » (mounted at /agents): requests per school and level, school map, class lists. */
export function schoolStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const base = "/inscriptions-scolaires";
  app.use(base, requireStaff);
  app.use(`${base}/*`, requireStaff);

  const run = <T>(c: Context<AppEnv>, fn: (trx: Trx, actor: Actor) => Promise<T>) => asStaff(deps, c, fn);
  const listPage = async (c: Context<AppEnv>, errors: Record<string, string> = {}, reasonFor?: string) => {
    const school = c.req.query("ecole") || undefined;
    const data = await run(c, async (trx) => ({
      rows: await schoolService.staffList(trx, c.get("tenant"), school),
      schools: await schoolService.schools(trx),
      required: await schoolService.requiredDocuments(trx, c.get("tenant")),
    }));
    const years = schoolService.schoolYears(deps.now());
    const message = MESSAGES[c.req.query("message") ?? ""];
    const status = Object.keys(errors).length ? 422 : 200;
    const types = c.get("tenant").config.householdFile.documents.types;
    return page(
      c,
      "enrolment/school-staff",
      { ...data, types, school, years, errors, reasonFor, message },
      status,
    );
  };

  app.get(base, (c) => listPage(c));
  app.post(`${base}/carte`, async (c) => {
    const file = (await readUpload(c)).files.fichier?.[0];
    const text = file && file.size <= 2_000_000 ? await file.text() : "";
    if (!text)
      return listPage(c, { fichier: "Choisissez le fichier CSV de la carte scolaire (2 Mo au plus)." });
    const out = await run(c, (trx) => schoolService.importMap(trx, c.get("tenant"), text));
    if (!out.ok) return listPage(c, { fichier: out.error });
    return seeOther(c, `/agents${base}?message=carte`);
  });
  app.post(`${base}/pieces`, async (c) => {
    const { values } = await readForm(c, z.object({}), { all: true });
    const keys = ([] as string[]).concat(values.pieces ?? []);
    await run(c, (trx) => schoolService.setRequiredDocuments(trx, c.get("tenant"), keys));
    return seeOther(c, `/agents${base}?message=pieces`);
  });
  app.post(`${base}/:id/decision`, async (c) => {
    const id = uuidParam(c, "id");
    const { values: body } = await readForm(c, z.object({}));
    const reason = typeof body.motif === "string" ? body.motif.trim().slice(0, 500) : "";
    const accept = body.decision === "accepter";
    if (!accept && !reason)
      return listPage(c, { motif: "Indiquez le motif du refus : il est envoyé à la famille." }, id);
    await run(c, (trx, actor) =>
      schoolService.decide(
        trx,
        c.get("tenant"),
        actor,
        id,
        accept ? { accept: true } : { accept: false, reason },
      ),
    );
    return seeOther(c, `/agents${base}?message=${accept ? "acceptee" : "refusee"}`);
  });
  app.get(`${base}/listes.csv`, async (c) => {
    const school = c.req.query("ecole") ?? "";
    const year = c.req.query("annee") ?? "";
    const csv = await run(c, (trx) => schoolService.classListCsv(trx, school, year));
    const name = `${school}-${year}`.normalize("NFD").replace(/[^A-Za-z0-9-]+/g, "-");
    return c.body(csv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="liste-${name}.csv"`,
    });
  });
  app.get(`${base}/:id/certificat`, async (c) => {
    const id = uuidParam(c, "id");
    const { pdf, number } = await run(c, (trx) =>
      schoolService.certificate(trx, c.get("tenant"), id, null, deps.now()),
    );
    return c.body(new Uint8Array(pdf), 200, {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="certificat-inscription-scolaire-${number}.pdf"`,
    });
  });
  return app;
}
