/**
 * What the operators' console offers the slices that add to it (support access): the guard of
 * its pages, the signed-in operator, and the platform audit every operator action is written to.
 */
export { recordPlatformEvent } from "./audit.ts";
export { operatorOf, requireOperator } from "./guard.ts";
