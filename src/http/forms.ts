import type { Context } from "hono";
import type { z } from "zod";
import { isUuid } from "../lib/form-fields.ts";
import { AppError, notFound } from "./errors.ts";
import type { AppEnv } from "./types.ts";

/** What was typed, by field name: one value, or every value of a repeated field (`{ all: true }`). */
export type FormValues = Record<string, string>;
export type FormListValues = Record<string, string | string[]>;

export type FormResult<T, V = FormValues> =
  | { ok: true; data: T; values: V }
  | { ok: false; errors: Record<string, string>; values: V };

/** A form shown again: what was typed (never a password) and a French message per field. */
export interface FormState<V = FormValues> {
  values: V;
  errors: Record<string, string>;
}

/**
 * The one form-error type (architecture §4): a service that finds a value it cannot accept
 * throws it with a French message per field, and `submitForm` turns it into the 422 re-render.
 */
export class FormError extends AppError {
  constructor(readonly errors: Record<string, string>) {
    super("bad_request", 422, Object.values(errors)[0] ?? "Le formulaire contient une erreur.");
  }

  static at(field: string, message: string): FormError {
    return new FormError({ [field]: message });
  }
}

type ReadOptions = { all?: boolean };

/** Parses a urlencoded/multipart form with a zod schema; errors keyed by field, in French. */
export async function readForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
): Promise<FormResult<z.infer<S>>>;
export async function readForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  options: { all: true },
): Promise<FormResult<z.infer<S>, FormListValues>>;
export async function readForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  options: ReadOptions = {},
) {
  const body = await c.req.parseBody({ all: options.all ?? false });
  const values: FormListValues = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === "string") values[k] = v;
    else if (Array.isArray(v)) values[k] = v.filter((item): item is string => typeof item === "string");
  }
  return validate(schema, values);
}

/** Form values already read (e.g. next to uploaded files) through a zod schema. */
export function validate<S extends z.ZodType, V extends FormListValues>(
  schema: S,
  values: V,
): FormResult<z.infer<S>, V> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "_form");
    errors[key] ??= issue.message;
  }
  return { ok: false, errors, values };
}

interface FormHandlers<T, V> {
  /** The valid input: do the work and answer (usually 303). */
  valid: (data: T, values: V) => Promise<Response>;
  /** The form again, with what was typed and the messages; the status is 422. */
  invalid: (state: FormState<V>) => Response | Promise<Response>;
}

/**
 * One form post, read one way: the body through its schema, then the action. A schema failure,
 * or a `FormError` the action throws, re-renders the form (422) with what was typed; nothing
 * is saved, since the action's transaction rolls back with the throw.
 */
export async function submitForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  on: FormHandlers<z.infer<S>, FormValues>,
): Promise<Response>;
export async function submitForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  on: FormHandlers<z.infer<S>, FormListValues>,
  options: { all: true },
): Promise<Response>;
export async function submitForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  handlers: FormHandlers<z.infer<S>, FormValues> | FormHandlers<z.infer<S>, FormListValues>,
  options: ReadOptions = {},
): Promise<Response> {
  // Without `all` every value is one string, so both handler shapes accept what is read.
  const on = handlers as FormHandlers<z.infer<S>, FormListValues>;
  const form = options.all ? await readForm(c, schema, { all: true }) : await readForm(c, schema);
  const shown = safeValues(form.values);
  if (!form.ok) return on.invalid({ values: shown, errors: form.errors });
  try {
    return await on.valid(form.data, form.values);
  } catch (err) {
    if (err instanceof FormError) return on.invalid({ values: shown, errors: err.errors });
    throw err;
  }
}

/** What may be shown again in a form: never a password. */
export function safeValues<V extends FormListValues>(values: V): V {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !/password|mot_de_passe/i.test(k))) as V;
}

/** A route's id parameter; anything that is not a UUID is simply not found. */
export function uuidParam(c: Context<AppEnv>, name: string): string {
  const value = c.req.param(name) ?? "";
  if (!isUuid(value)) throw notFound();
  return value;
}

/** An id in the query (« ?enfant=… »); anything that is not a UUID is simply not found. */
export function uuidQuery(c: Context<AppEnv>, name: string): string {
  const value = c.req.query(name) ?? "";
  if (!isUuid(value)) throw notFound();
  return value;
}

/** An optional id in the query: absent is undefined, anything but a UUID is not found. */
export function optionalUuidQuery(c: Context<AppEnv>, name: string): string | undefined {
  const value = c.req.query(name);
  return value === undefined || value === "" ? undefined : uuidQuery(c, name);
}

/** A multipart form read once: its text fields as typed, and the files chosen, by field name. */
export interface UploadForm {
  values: FormListValues;
  files: Record<string, File[]>;
}

/** Reads a multipart body (uploads next to fields); the text fields then go through `validate`. */
export async function readUpload(c: Context<AppEnv>): Promise<UploadForm> {
  const body = await c.req.parseBody({ all: true });
  const values: FormListValues = {};
  const files: Record<string, File[]> = {};
  for (const [k, v] of Object.entries(body)) {
    const items = ([] as unknown[]).concat(v);
    const texts = items.filter((item): item is string => typeof item === "string");
    // A file input left empty sends a nameless, empty part: nothing was chosen.
    const kept = items.filter(
      (item): item is File => item instanceof File && (item.size > 0 || item.name !== ""),
    );
    if (texts.length > 0) values[k] = Array.isArray(v) ? texts : (texts[0] as string);
    if (kept.length > 0) files[k] = kept;
  }
  return { values, files };
}

/** The first value of a field read with `{ all: true }` (a repeated field sent once or more). */
export const firstValue = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[0] ?? "") : (v ?? "");

/** One value per field (the first of a repeated one), for forms read with `readUpload`. */
export function singleValues(values: FormListValues): FormValues {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, firstValue(v)]));
}
