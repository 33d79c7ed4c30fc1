import { RETENTION_BOUNDS, type TenantConfig } from "../../tenancy/config-schema.ts";
import { one } from "./lines.ts";

/**
 * « Données personnelles » part of « Paramètres de la commune »: how long the retention job
 * keeps each kind of data, each a whole number within CNIL's bounds (RETENTION_BOUNDS), and
 * whether staff must use a second factor.
 */
type Raw = Record<string, string | string[]>;
type Key = keyof typeof RETENTION_BOUNDS;
const FIELDS: Record<Key, { name: string; unit: string }> = {
  householdYears: { name: "keep_household_years", unit: "ans" },
  journalMonths: { name: "keep_journal_months", unit: "mois" },
  auditYears: { name: "keep_audit_years", unit: "ans" },
};

export function privacyPart(raw: Raw, cfg: TenantConfig) {
  const errors: Record<string, string> = {};
  const retention = { ...cfg.legal.retention };
  for (const key of Object.keys(FIELDS) as Key[]) {
    const { name, unit } = FIELDS[key];
    const { min, max } = RETENTION_BOUNDS[key];
    const value = one(raw, name);
    if (/^\d{1,2}$/.test(value) && Number(value) >= min && Number(value) <= max)
      retention[key] = Number(value);
    else errors[name] = `Un nombre entier de ${min} à ${max} ${unit}.`;
  }
  const auth = { ...cfg.auth, staffSecondFactor: one(raw, "staff_second_factor") === "on" };
  return { errors, config: { ...cfg, auth, legal: { ...cfg.legal, retention } } };
}

export function privacyValues(cfg: TenantConfig): Record<string, string | string[]> {
  const r = cfg.legal.retention;
  return {
    ...Object.fromEntries((Object.keys(FIELDS) as Key[]).map((k) => [FIELDS[k].name, String(r[k])])),
    staff_second_factor: cfg.auth.staffSecondFactor ? ["on"] : [],
  };
}
