/**
 * The invoices as other slices show them (the home page's « À payer »): a household's unpaid
 * invoices, their row type, and the formats of amounts and dates used on them.
 */

export { euros } from "../pricing/pricing.ts";
export { FMT, type InvoiceRow, unpaidInvoices } from "./invoices-view.ts";
