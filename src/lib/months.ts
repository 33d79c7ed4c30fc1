import { addDays, addMonths, type IsoDate, monthLabel } from "./dates.ts";

/** The first and last days of a month « YYYY-MM ». */
export function monthBounds(month: string): { first: IsoDate; last: IsoDate } {
  return { first: `${month}-01`, last: addDays(`${addMonths(month, 1)}-01`, -1) };
}

/** A month page's heading and its links to the months before and after. */
export function monthNavigation(month: string) {
  return { month, label: monthLabel(month), previous: addMonths(month, -1), next: addMonths(month, 1) };
}
