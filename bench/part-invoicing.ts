/** Parts `invoicing`, `city` and `enrolments`: a month billed as a job, a city, bulk enrolments. */
import { generateBilling } from "./billing-generate.ts";
import { type InvoicingReport, invoicingLines, invoicingSummary, runInvoicing } from "./billing-scenarios.ts";
import { load, profileDir, SETTINGS, say } from "./common.ts";
import { type BenchData, timed } from "./data.ts";
import { enrolmentLines, runEnrolments } from "./enrolment-bench.ts";
import { linesFloorLine, measureLinesFloor } from "./lines-floor.ts";
import { saveProfile, startProfile, summarise } from "./profile.ts";
import type { Bench } from "./setup.ts";

/** Issue 17 item 4: the billing town's month issued as a job. Last: its e-mails go out as the bench ends. */
export async function invoicingPart(b: Bench, d: BenchData): Promise<InvoicingReport | undefined> {
  const billing = d.billing;
  if (!b.want("invoicing") || !billing) {
    b.summary.notRun(4, `invoicing ${SETTINGS.billingChildren} children`, "BENCH_ONLY");
    return undefined;
  }
  say(`running the monthly invoicing run (${billing.bookings} booked days)… (load average ${load()})`);
  const stopProfile = process.env.BENCH_PROFILE ? await startProfile() : undefined;
  const invoicing = await runInvoicing(b.platform.deps.db, billing, b.platform.deps.now());
  if (stopProfile) {
    // The portal's worker runs the job in this process: where its JavaScript time went.
    const profile = await stopProfile();
    say(`invoicing run under the profiler (the figures below include its cost):\n${summarise(profile, 20)}`);
    say(`profile: ${saveProfile(profile, profileDir(), `bench-invoicing-${Date.now()}`)}`);
  }
  for (const line of invoicingLines(invoicing, billing.families)) say(line);
  say(linesFloorLine(await measureLinesFloor(b.platform.deps.db, billing, invoicing.runId)));
  invoicingSummary(b.summary, invoicing, billing.families);
  return invoicing;
}

/** Issue 17 item 4: a city of SETTINGS.cityChildren children, same run (BENCH_CITY=1). */
export async function cityPart(b: Bench): Promise<InvoicingReport | undefined> {
  if (!b.want("city")) {
    b.summary.notRun(4, "invoicing a city (50,000 children)", "BENCH_CITY=1");
    return undefined;
  }
  const town = await timed(`the city (${SETTINGS.cityChildren} children)`, () =>
    generateBilling(
      b.platform.deps.db,
      b.ownerUrl,
      { families: SETTINGS.cityChildren, historyFamilies: 0, slug: "ville" },
      b.platform.deps.now(),
    ),
  );
  say(`running the city's invoicing run (${town.bookings} booked days)… (load average ${load()})`);
  const city = await runInvoicing(b.platform.deps.db, town, b.platform.deps.now());
  for (const line of invoicingLines(city, town.families)) say(line);
  invoicingSummary(b.summary, city, town.families);
  return city;
}

/** Regular enrolments accepted in bulk; true when a day ended over capacity. */
export async function enrolmentsPart(b: Bench, d: BenchData): Promise<boolean> {
  if (!b.want("enrolments") || !d.billing) return false;
  say(`accepting ${SETTINGS.enrolments} regular enrolments in bulk…`);
  const enrolments = await runEnrolments(
    b.platform.deps.db,
    d.billing,
    SETTINGS.enrolments,
    b.platform.deps.now(),
  );
  for (const line of enrolmentLines(enrolments)) say(line);
  const failed = enrolments.overCapacity > 0;
  if (failed) say(`FAILED: enrolments: ${enrolments.overCapacity} days over capacity`);
  return failed;
}
