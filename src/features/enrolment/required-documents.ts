import type { Trx } from "../../db/database.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import {
  acceptableDocuments,
  type CheckedFile,
  checkAttachment,
  depositIn,
  householdDocuments,
} from "../documents/service.ts";

/** A form's file field for one required document type: « piece_<type> ». */
export const fieldOf = (type: string) => `piece_${type}`;

const typesOf = (tenant: Tenant) => tenant.config.householdFile.documents.types;
export const labelOf = (tenant: Tenant, type: string) =>
  typesOf(tenant).find((t) => t.key === type)?.label ?? type;

/** The file fields a form offers for these document types, with the town's formats. */
export function fields(tenant: Tenant, types: string[]) {
  const cfg = tenant.config.householdFile.documents;
  return {
    pieces: [...new Set(types)].map((type) => ({ type, name: fieldOf(type), label: labelOf(tenant, type) })),
    accept: cfg.extensions.join(","),
  };
}

export type Attached = Map<string, CheckedFile>;

/**
 * The files sent for the town's document types, each checked as « Mes documents » checks an
 * upload; a refused one is told at its own field. A field left empty is not an error here.
 */
export async function readAttached(tenant: Tenant, sentFiles: Record<string, File[]>) {
  const files: Attached = new Map();
  const errors: Record<string, string> = {};
  for (const { key: type } of typesOf(tenant)) {
    const sent = sentFiles[fieldOf(type)]?.[0];
    if (!sent) continue;
    const checked = await checkAttachment(tenant, sent);
    if (checked.ok) files.set(type, checked.file);
    else errors[fieldOf(type)] = checked.error;
  }
  return { files, errors };
}

/** The required types neither sent now nor already valid in the household's file (for this child). */
export async function missing(
  trx: Trx,
  householdId: string,
  childId: string,
  types: string[],
  files: Attached,
): Promise<string[]> {
  if (types.length === 0) return [];
  const have = await acceptableDocuments(trx, householdId);
  return types.filter(
    (k) => !files.has(k) && !have.some((d) => d.type === k && (d.childId === null || d.childId === childId)),
  );
}

/** Stores the files sent for the wanted types, for the household or for the child as each type says. */
export async function deposit(
  trx: Trx,
  tenant: Tenant,
  who: { userId: string; householdId: string; childId: string },
  files: Attached,
  wanted: string[],
) {
  for (const [type, file] of files) {
    if (!wanted.includes(type)) continue;
    const scope = typesOf(tenant).find((t) => t.key === type)?.scope;
    const childId = scope === "child" ? who.childId : null;
    await depositIn(trx, tenant, who.userId, who.householdId, { type, childId, file });
  }
}

type HouseholdFile = Awaited<ReturnType<typeof householdDocuments>>;

/**
 * What staff see of requests' required documents: per request, the valid ones (with a link)
 * and the missing; each household's file is read once however many requests it has.
 */
export function staffView(trx: Trx, tenant: Tenant) {
  const files = new Map<string, Promise<HouseholdFile>>();
  return async (householdId: string, childId: string, types: string[]) => {
    if (types.length === 0) return { present: [], missing: [] };
    if (!files.has(householdId)) files.set(householdId, householdDocuments(trx, tenant, householdId));
    const file = (await files.get(householdId)) as HouseholdFile;
    const mine = [...file.household, ...(file.children.find((c) => c.id === childId)?.documents ?? [])];
    const ok = mine.filter(
      (d) => ["deposited", "validated"].includes(d.shownState) && types.includes(d.type),
    );
    return {
      present: ok.map((d) => ({ id: d.id, label: d.label, state: d.shownState })),
      missing: types.filter((k) => !ok.some((d) => d.type === k)).map((k) => labelOf(tenant, k)),
    };
  };
}
