import { sizeLabel } from "../documents/files-service.ts";

// Built once: constructing an Intl.DateTimeFormat costs far more than formatting with it.
const WHEN = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});

/** What every messages page shows dates and file sizes with, in Paris time and French. */
export const messageView = {
  when: (d: Date) => WHEN.format(d),
  size: sizeLabel,
};
