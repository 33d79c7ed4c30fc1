/**
 * How long bookings held a day's occupancy lock: from the last statement's lock to the commit's
 * answer (issue 17). Kept in memory, a bounded window, for the bench and the operators' logs.
 */
const WINDOW = 100_000;
const holds: number[] = [];

export function recordLockHold(lockedAt: number | null): void {
  if (lockedAt === null) return;
  if (holds.length >= WINDOW) holds.shift();
  holds.push(Math.max(0, Date.now() - lockedAt));
}

/** The hold times recorded since the last call (ms), and forgets them. */
export function takeLockHolds(): number[] {
  return holds.splice(0);
}
