import type { Section } from "../../tenancy/config-schema.ts";
import { childSections } from "../children/sections.ts";
import { householdSections } from "../household/sections.ts";
import type { SectionHandler } from "./section-handler.ts";

/** Every section of the household file, by key. */
export const sections: Partial<Record<Section, SectionHandler>> = { ...householdSections, ...childSections };

export function handlerOf(section: string): SectionHandler {
  const handler = sections[section as Section];
  if (!handler) throw new Error(`unknown section ${section}`);
  return handler;
}
