import { WEEKDAYS } from "./schemas.ts";

/** The pattern as the parent reads it: « Régulier : lundi, mardi, jeudi, vendredi » or « À la carte ». */
export function patternLabel(e: { mode: string; weekdays: number[] }) {
  return e.mode === "regular"
    ? `Régulier : ${e.weekdays.map((d) => WEEKDAYS[d]?.toLowerCase()).join(", ")}`
    : "À la carte";
}
