import { daysBetween, type IsoDate, isIsoDate, weekday } from "../../../lib/dates.ts";

/**
 * « Mode recopie »: repeat a selection from date to date on the chosen weekdays. Returns
 * the days of [from, to] on those weekdays that `usable` accepts (open, bookable…).
 */
export function recopy(
  from: IsoDate,
  to: IsoDate,
  weekdays: number[],
  usable: (day: IsoDate) => boolean,
): IsoDate[] {
  if (!isIsoDate(from) || !isIsoDate(to) || to < from) return [];
  return daysBetween(from, to).filter((d) => weekdays.includes(weekday(d)) && usable(d));
}
