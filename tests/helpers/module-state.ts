import { readFileSync } from "node:fs";
import { loadEnv } from "../../src/env.ts";
import { configureMailLinks } from "../../src/integrations/mail/links.ts";
import { parseCalendarCsv, SNAPSHOT, setSchoolCalendar } from "../../src/lib/school-holidays.ts";

// The unit and integration files share their worker's modules (vitest.config.ts, isolate: false).
// Before each file, the app's process-wide settings are put back as a fresh process has them:
// the school calendar in memory (an operator's import replaces it) and the e-mail links' origin
// (each app sets it from its environment).
setSchoolCalendar(parseCalendarCsv(readFileSync(SNAPSHOT, "utf8")));
configureMailLinks(loadEnv({}));
