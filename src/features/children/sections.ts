import type { Section } from "../../tenancy/config-schema.ts";
import type { SectionHandler } from "../requests/section-handler.ts";

export const childSections: Partial<Record<Section, SectionHandler>> = {};
