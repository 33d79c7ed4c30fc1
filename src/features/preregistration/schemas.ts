import { z } from "zod";
import { emailField } from "../../auth/schemas.ts";
import type { PreregisteredChild } from "../../db/household-types.ts";
import {
  isRealDate,
  optionalText,
  parisToday,
  phone,
  REQUIRED,
  requiredText,
  tooLong,
  trimmed,
  upperName as upper,
} from "../../lib/form-fields.ts";

export const MAX_CHILDREN = 4;
/** The honeypot: a field hidden from people; a robot filling every input fills it too. */
export const HONEYPOT = "site_web";

const birthDate = z.preprocess(
  trimmed,
  z
    .string()
    .min(1, "Indiquez la date de naissance.")
    .refine((v) => v === "" || isRealDate(v), "Indiquez une date valide (jj/mm/aaaa).")
    .refine(
      (v) => !isRealDate(v) || v <= parisToday(),
      "La date de naissance ne peut pas être dans le futur.",
    ),
);

const guardianSchema = z.object({
  civility: z.enum(["M.", "Mme"], { error: "Choisissez la civilité." }),
  last_name: upper(100),
  first_name: requiredText(100),
  email: emailField.transform((v) => v.toLowerCase()),
  phone: phone.refine((v) => v !== null, REQUIRED),
  address_line: requiredText(200),
  postal_code: z.preprocess(trimmed, z.string().regex(/^\d{5}$/, "Code postal invalide : 5 chiffres.")),
  city: requiredText(100),
  other_last_name: optionalText(100).transform((v) => v?.toLocaleUpperCase("fr-FR") ?? null),
  other_first_name: optionalText(100),
  other_phone: phone,
});

const childSchema = z.object({
  first_name: requiredText(80),
  last_name: upper(80),
  birth_date: birthDate,
  school: optionalText(120),
  class_level: optionalText(40),
});

export type PreregistrationInput = z.infer<typeof guardianSchema> & { children: PreregisteredChild[] };
type Issue = { path: string; message: string };

const issuesOf = (error: z.ZodError, prefix = ""): Issue[] =>
  error.issues.map((i) => ({ path: `${prefix}${String(i.path[0])}`, message: i.message }));

/** Children 2 to 4 are optional: a block left empty is skipped, a started one is checked whole. */
function readChildren(values: Record<string, string>, issues: Issue[]): PreregisteredChild[] {
  const children: PreregisteredChild[] = [];
  for (let n = 1; n <= MAX_CHILDREN; n++) {
    const prefix = `child${n}_`;
    const block = Object.fromEntries(
      Object.keys(childSchema.shape).map((k) => [k, (values[`${prefix}${k}`] ?? "").trim()]),
    );
    if (n > 1 && Object.values(block).every((v) => v === "")) continue;
    const parsed = childSchema.safeParse(block);
    if (parsed.success) children.push(parsed.data);
    else issues.push(...issuesOf(parsed.error, prefix));
  }
  return children;
}

/**
 * The whole form, every error at once, each under its own field name (« child2_birth_date »):
 * the responsable, an optional other guardian (named if any of it is given), 1 to 4 children.
 */
export const preregistrationSchema = z
  .record(z.string(), z.string())
  .transform((values, ctx): PreregistrationInput => {
    const issues: Issue[] = [];
    const head = guardianSchema.safeParse(values);
    if (!head.success) issues.push(...issuesOf(head.error));
    const other = ["other_last_name", "other_first_name", "other_phone"].some((k) => values[k]?.trim());
    for (const k of ["other_last_name", "other_first_name"]) {
      if (other && !values[k]?.trim()) issues.push({ path: k, message: REQUIRED });
    }
    const children = readChildren(values, issues);
    for (const i of issues) ctx.addIssue({ code: "custom", path: [i.path], message: i.message });
    return head.success && issues.length === 0 ? { ...head.data, children } : (z.NEVER as never);
  });

export const refusalSchema = z.object({
  reason: z.preprocess(trimmed, z.string().min(1, "Indiquez le motif du refus.").max(500, tooLong(500))),
});
