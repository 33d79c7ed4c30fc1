import { z } from "zod";
import type { DocumentsConfig } from "../../tenancy/config-schema.ts";

export type Scope = "household" | "child";

/** The upload form of one scope: the type must be one of the town's for that scope. */
export function uploadSchema(cfg: DocumentsConfig, scope: Scope) {
  const keys = cfg.types.filter((t) => t.scope === scope).map((t) => t.key);
  const type = z.string().refine((v) => keys.includes(v), { message: "Choisissez le type de document." });
  const childId =
    scope === "child"
      ? z.uuid({ message: "Choisissez l'enfant concerné." })
      : z
          .unknown()
          .optional()
          .transform((): string | null => null);
  return z.object({ type, child_id: childId });
}

export const scopeSchema = z.enum(["household", "child"]);

export const refusalSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(1, "Indiquez le motif du refus : il sera envoyé à la famille.")
    .max(500, "Le motif ne doit pas dépasser 500 caractères."),
});
