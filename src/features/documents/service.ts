import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Trx } from "../../db/database.ts";
import { AppError, notFound } from "../../http/errors.ts";
import { notifyHousehold } from "../../integrations/mail/household.ts";
import type { DocumentsConfig } from "../../tenancy/config-schema.ts";
import { tenantsDir } from "../../tenancy/files.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { recordWrite } from "../audit/service.ts";
import * as repo from "./repo.ts";
import { type Scope, uploadSchema } from "./schemas.ts";
import { type CheckedFile, checkFile } from "./sniff.ts";

const docsOf = (tenant: Tenant): DocumentsConfig => tenant.config.householdFile.documents;

const PARIS_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });
const today = () => PARIS_DAY.format(new Date());

/** Today in Paris plus some months, as "YYYY-MM-DD" (the 31st rolls into the next month's start). */
function monthsFromToday(months: number): string {
  const [y = 0, m = 1, d = 1] = today().split("-").map(Number);
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
}

export type DocumentState = "deposited" | "validated" | "refused" | "expired";

/** A document is « expiré » once past its validity date, whatever it was; a refusal stays a refusal. */
export function stateOf(doc: { state: string; valid_until: string | null }): DocumentState {
  if (doc.state === "refused") return "refused";
  if (doc.valid_until && doc.valid_until < today()) return "expired";
  return doc.state as DocumentState;
}

/**
 * The household's documents that fulfil a town's requirement, by type and child: « validé », or
 * still « déposé » (awaiting the staff's review must not block a booking); never refused or expired.
 */
export async function acceptableDocuments(trx: Trx, householdId: string) {
  const docs = await repo.listForHousehold(trx, householdId);
  return docs
    .filter((d) => ["deposited", "validated"].includes(stateOf(d)))
    .map((d) => ({ type: d.type, childId: d.child_id }));
}

/**
 * A household's documents and each child's, in the caller's transaction: « Mes documents »,
 * and the staff's household file.
 */
export async function householdDocuments(trx: Trx, tenant: Tenant, householdId: string) {
  const docs = await repo.listForHousehold(trx, householdId);
  const children = await repo.childrenOf(trx, householdId);
  const labels = new Map(docsOf(tenant).types.map((t) => [t.key, t.label]));
  const shown = docs.map((d) => ({ ...d, label: labels.get(d.type) ?? d.type, shownState: stateOf(d) }));
  return {
    household: shown.filter((d) => d.child_id === null),
    children: children.map((c) => ({ ...c, documents: shown.filter((d) => d.child_id === c.id) })),
  };
}

/** The town's « Attestation QF CAF ou MSA »: the proof of the household's quotient familial. */
export const QF_PROOF = "attestation_qf";

/**
 * The household's latest document of one type, with its state shown (or null: « aucun
 * justificatif »); undefined when the town does not ask for that type at all.
 */
export async function latestOfType(trx: Trx, tenant: Tenant, householdId: string, type: string) {
  const kind = docsOf(tenant).types.find((t) => t.key === type && t.scope === "household");
  if (!kind) return undefined;
  const docs = await repo.listForHousehold(trx, householdId);
  const doc = docs.find((d) => d.type === type && d.child_id === null);
  return { type, label: kind.label, document: doc ? { ...doc, shownState: stateOf(doc) } : null };
}

export type { CheckedFile };

export type UploadResult = { ok: true; id: string } | { ok: false; errors: Record<string, string> };
type UploadInput = { scope: Scope; values: Record<string, string>; file: File | undefined };

/**
 * Every field and the file's content checked at once, so that each error shows at its field;
 * done before the transaction opens (the file is read and sniffed).
 */
export async function checkUpload(tenant: Tenant, input: UploadInput) {
  const parsed = uploadSchema(docsOf(tenant), input.scope).safeParse(input.values);
  const errors: Record<string, string> = {};
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  const checked = await checkFile(docsOf(tenant), input.file);
  if (!checked.ok) errors.file = checked.error;
  if (!parsed.success || !checked.ok) return { ok: false as const, errors };
  return { ok: true as const, fields: parsed.data, file: checked.file };
}

type CheckedUpload = Extract<Awaited<ReturnType<typeof checkUpload>>, { ok: true }>;

/** Saves the checked upload unless its child is not the household's. */
export async function upload(
  trx: Trx,
  tenant: Tenant,
  parent: { userId: string; householdId: string },
  { fields, file }: CheckedUpload,
): Promise<UploadResult> {
  if (fields.child_id && !(await repo.findChild(trx, parent.householdId, fields.child_id)))
    return { ok: false, errors: { child_id: "Choisissez l'enfant concerné." } };
  const doc = { type: fields.type, childId: fields.child_id, file };
  return { ok: true, id: await depositIn(trx, tenant, parent.userId, parent.householdId, doc) };
}

/** A file sent with another form (an enrolment's required documents), checked as an upload is. */
export function checkAttachment(tenant: Tenant, file: File | undefined) {
  return checkFile(docsOf(tenant), file);
}

/**
 * Stores a checked file as the household's « déposé » document, audited, in the caller's
 * transaction (so a form that carries documents saves them with the rest, or nothing).
 */
export async function depositIn(
  trx: Trx,
  tenant: Tenant,
  userId: string,
  householdId: string,
  doc: { type: string; childId: string | null; file: CheckedFile },
): Promise<string> {
  const months = docsOf(tenant).types.find((t) => t.key === doc.type)?.validityMonths;
  const { bytes, ...meta } = doc.file;
  const id = await repo.insert(trx, {
    ...meta,
    content: bytes,
    tenant_id: tenant.id,
    household_id: householdId,
    child_id: doc.childId,
    type: doc.type,
    valid_until: months ? monthsFromToday(months) : null,
    uploaded_by: userId,
  });
  await recordWrite(
    trx,
    tenant.id,
    { kind: "parent", userId },
    {
      householdId,
      action: "create",
      entity: "documents",
      entityId: id,
      fields: ["type", "child_id", "filename"],
    },
  );
  return id;
}

/** One file to download, as the parent's household or the town's staff may see it; else 404. */
export async function fileOf(trx: Trx, id: string) {
  const file = await repo.findFile(trx, id);
  if (!file) throw notFound();
  return file;
}

/** 404 unless the document exists and the caller may see it. */
export async function ensureVisible(trx: Trx, id: string) {
  if (!(await repo.exists(trx, id))) throw notFound();
}

/** Staff: the documents waiting for a decision, oldest first. */
export async function deposited(trx: Trx, tenant: Tenant) {
  const labels = new Map(docsOf(tenant).types.map((t) => [t.key, t.label]));
  const rows = await repo.listDeposited(trx);
  return rows.map((r) => ({ ...r, label: labels.get(r.type) ?? r.type }));
}

/** Staff: validates, or refuses with a reason that is e-mailed to the household. */
export async function decide(
  trx: Trx,
  tenant: Tenant,
  staffId: string,
  id: string,
  decision: { accept: true } | { accept: false; reason: string },
): Promise<void> {
  const doc = await repo.findForDecision(trx, id);
  if (!doc) throw notFound();
  if (doc.state !== "deposited")
    throw new AppError("bad_request", 409, "Ce document a déjà été traité par un autre agent.");
  const reason = decision.accept ? null : decision.reason;
  await repo.decide(trx, id, {
    state: decision.accept ? "validated" : "refused",
    reason,
    decidedBy: staffId,
  });
  await recordWrite(
    trx,
    tenant.id,
    { kind: "staff", userId: staffId },
    {
      householdId: doc.household_id,
      action: decision.accept ? "validate" : "refuse",
      entity: "documents",
      entityId: id,
      fields: decision.accept ? ["state"] : ["state", "reason"],
    },
  );
  if (!decision.accept) await mailRefusal(trx, tenant, doc, decision.reason);
}

/** The household's guardians with an e-mail hear why the document was refused. */
function mailRefusal(
  trx: Trx,
  tenant: Tenant,
  doc: { household_id: string; type: string; filename: string },
  reason: string,
) {
  const label = docsOf(tenant).types.find((t) => t.key === doc.type)?.label ?? doc.type;
  return notifyHousehold(trx, tenant, doc.household_id, {
    template: "document-refused",
    data: { type: label, filename: doc.filename, reason },
  });
}

/** One of the blank forms the town publishes; only those its configuration lists. */
export async function townForm(tenant: Tenant, file: string) {
  const form = docsOf(tenant).forms.find((f) => f.file === file);
  if (!form) throw notFound();
  return { ...form, content: await readFile(path.join(tenantsDir, "forms", tenant.slug, form.file)) };
}
