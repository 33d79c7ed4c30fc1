import type { Trx } from "../../db/database.ts";
import { portOf } from "./common/port.ts";

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

const port = portOf<EnrolmentPort>("enrolment");

/** Called once at startup by the composition root. */
export const provideEnrolment = port.provide;

/** Enrolment as planning sees it. */
export const enrolment = port.get;
