import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "./errors.ts";
import type { AppEnv } from "./types.ts";

export type FormResult<T> =
  | { ok: true; data: T; values: Record<string, string> }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> };

/** Parses a urlencoded/multipart form with a zod schema; errors keyed by field, in French. */
export async function readForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
): Promise<FormResult<z.infer<S>>> {
  const body = await c.req.parseBody();
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") values[k] = v;
  return validate(schema, values);
}

/** Form values already read (e.g. next to uploaded files) through a zod schema. */
export function validate<S extends z.ZodType>(
  schema: S,
  values: Record<string, string>,
): FormResult<z.infer<S>> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "_form");
    errors[key] ??= issue.message;
  }
  return { ok: false, errors, values };
}

/** What may be shown again in a form: never a password. */
export function safeValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !/password|mot_de_passe/i.test(k)));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A route's id parameter; anything that is not a UUID is simply not found. */
export function uuidParam(c: Context<AppEnv>, name: string): string {
  const value = c.req.param(name) ?? "";
  if (!UUID.test(value))
    throw new AppError("not_found", 404, "Cette page n'existe pas ou n'est pas accessible.");
  return value;
}
