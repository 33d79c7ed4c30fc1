import type { Trx } from "../../db/database.ts";

/**
 * What planning needs from enrolment (« booking needs an accepted enrolment »), handed to it
 * at startup by the composition root (src/compose.ts). Planning never imports enrolment, so
 * enrolment may book regular patterns through planning's services without a circle.
 */
export interface EnrolmentPort {
  /** The (child, day) pairs that no accepted enrolment of the period covers. */
  uncovered(
    trx: Trx,
    periodId: string,
    childIds: string[],
    days: string[],
  ): Promise<{ childId: string; day: string }[]>;
}

let port: EnrolmentPort | null = null;

/** Called once at startup by the composition root. */
export function provideEnrolment(implementation: EnrolmentPort): void {
  port = implementation;
}

/** Enrolment as planning sees it; fails loudly when the composition root did not provide it. */
export function enrolment(): EnrolmentPort {
  if (!port) throw new Error("planning: enrolment was not provided (src/compose.ts composeFeatures)");
  return port;
}
