import type { Attendance } from "../../../db/planning-types.ts";
import { toCsv } from "../../../lib/csv.ts";
import { longDate } from "../../../lib/dates.ts";
import { ATTENDANCE_LABELS } from "../common/labels.ts";

interface DayList {
  service: { name: string };
  day: string;
  rows: {
    lastName: string;
    firstName: string;
    classLevel: string;
    diet: string;
    allergies: string;
    pai: boolean;
    mark: Attendance | null;
  }[];
}

const isAbsent = (mark: Attendance | null) => mark === "absent_excused" || mark === "absent_billed";

/** « Pointage » for the canteen: one line per expected child, then the meals to cook per diet. */
export function canteenCsv(list: DayList): string {
  const lines = list.rows.map((r) => [
    r.lastName,
    r.firstName,
    r.classLevel,
    r.diet,
    r.allergies,
    r.pai ? "Oui" : "Non",
    r.mark ? ATTENDANCE_LABELS[r.mark] : "Attendu",
  ]);
  const eating = list.rows.filter((r) => !isAbsent(r.mark));
  const diets = new Map<string, number>();
  for (const r of eating) {
    const diet = r.diet.trim() || "Sans régime particulier";
    diets.set(diet, (diets.get(diet) ?? 0) + 1);
  }
  return toCsv([
    ["Nom", "Prénom", "Classe", "Régime alimentaire", "Allergies", "PAI", "État"],
    ...lines,
    [],
    [`${list.service.name} – ${longDate(list.day)}`],
    ["Total des repas", eating.length],
    ...[...diets].sort(([a], [b]) => a.localeCompare(b, "fr")).map(([d, n]) => [`Régime : ${d}`, n]),
  ]);
}
