import type { Trx } from "../../db/database.ts";
import type { Section } from "../../tenancy/config-schema.ts";
import type { SectionHandler } from "./section-handler.ts";

/**
 * Every section of the household file, by key. Household and children register theirs at
 * composition (src/compose.ts), so requests never imports them (architecture §3).
 */
export const sections: Partial<Record<Section, SectionHandler>> = {};

export function registerSections(handlers: Partial<Record<Section, SectionHandler>>): void {
  Object.assign(sections, handlers);
}

export function handlerOf(section: string): SectionHandler {
  const handler = sections[section as Section];
  if (!handler) throw new Error(`unknown section ${section}`);
  return handler;
}

/** A request another feature keeps (a booking, an absence, an enrolment), as « Liste des demandes » lists it. */
export interface ListedRequest {
  id: string;
  type: string;
  label: string;
  summary: string;
  status: "pending" | "accepted" | "refused" | "withdrawn";
  createdAt: Date;
  decidedAt: Date | null;
  reason: string | null;
}

/** A feature whose requests « Liste des demandes » › « Mes enfants » also lists, with its types. */
export interface RequestSource {
  types: readonly { key: string; label: string }[];
  recent(trx: Trx, householdId: string, now: Date): Promise<ListedRequest[]>;
}

const sources = new Map<string, RequestSource>();

/** Registered at composition, by name (registering again replaces). */
export function registerRequestSource(name: string, source: RequestSource): void {
  sources.set(name, source);
}

/** The types of every registered source, in the order they were registered. */
export const sourceTypes = () => [...sources.values()].flatMap((s) => s.types);

/** The household's recent requests of every registered source. */
export async function recentFromSources(trx: Trx, householdId: string, now: Date): Promise<ListedRequest[]> {
  const lists = [];
  for (const s of sources.values()) lists.push(await s.recent(trx, householdId, now));
  return lists.flat();
}
