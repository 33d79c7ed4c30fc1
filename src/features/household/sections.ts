import type { Section } from "../../tenancy/config-schema.ts";
import type { SectionHandler } from "../requests/section-handler.ts";

export const householdSections: Partial<Record<Section, SectionHandler>> = {};
