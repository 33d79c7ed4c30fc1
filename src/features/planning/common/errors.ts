import { AppError, notFound } from "../../../http/errors.ts";

/** One reason a day (of one child) cannot be booked or cancelled. */
export interface Problem {
  day?: string;
  childId?: string;
  message: string;
}

/** A validation that changes nothing: every problem is told, none of the days is saved. */
export class PlanningError extends AppError {
  constructor(readonly problems: Problem[]) {
    super("bad_request", 422, problems.map((p) => p.message).join(" "));
  }
}

/** The work's result, or the PlanningError it refused with (the page then shows its problems). */
export function orProblems<T>(work: Promise<T>): Promise<T | PlanningError> {
  return work.catch((err: unknown) => {
    if (err instanceof PlanningError) return err;
    throw err;
  });
}

/** The rows of `ids` (each asked once), or 404 when one is missing: not the town's or household's. */
export async function everyOr404<T>(ids: string[], read: (unique: string[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await read(unique) : [];
  if (rows.length !== unique.length) throw notFound();
  return rows;
}
