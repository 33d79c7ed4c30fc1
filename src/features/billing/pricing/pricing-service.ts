/**
 * Prices as other slices show them (enrolment's « Tarifs » page): the town's tariffs, a
 * household's pricing facts (quotient familial, residence), the bracket and unit price a
 * household pays on a day, and the format of amounts.
 */

export { householdPricing, tariffs } from "./billable.ts";
export { bracketOf, euros, type Household, tariffOn, unitPrice } from "./pricing.ts";
