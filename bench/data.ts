/** The generated towns each part needs, generated only when a chosen part needs them. */
import { type BillingBenchData, generateBilling } from "./billing-generate.ts";
import { load, SETTINGS, say, secs } from "./common.ts";
import { type GeneratedData, generate, mergeGenerated } from "./generate.ts";
import type { LoadConfig } from "./load.ts";
import { generateMessages, type MessagesBenchData } from "./messages-generate.ts";
import { generatePlanning, type PlanningBenchData } from "./planning-generate.ts";
import { homeTargets, runLoad, type Scenario } from "./scenario.ts";
import { type Bench, common } from "./setup.ts";

export interface BenchData {
  data: GeneratedData;
  /** Issue 17 item 5: the home page measured with only the first towns in the database. */
  smallRun: Scenario | undefined;
  planning: PlanningBenchData | undefined;
  billing: BillingBenchData | undefined;
  messages: MessagesBenchData | undefined;
}

const timings = (t: Record<string, number>) =>
  Object.entries(t)
    .map(([k, ms]) => `${k} ${secs(ms)}`)
    .join(", ");

/** `towns` more towns numbered from `first`, with their households, parents and sessions. */
export async function grow(b: Bench, towns: number, first: number): Promise<GeneratedData> {
  const t0 = performance.now();
  const more = await generate(b.platform.deps.db, b.ownerUrl, { ...SETTINGS, towns, first });
  say(
    `generated ${towns} towns × ${SETTINGS.households} households, ${more.sessions.length} sessions ` +
      `in ${secs(performance.now() - t0)}: ${timings(more.timings)}`,
  );
  return more;
}

export async function timed<T extends { timings: Record<string, number> }>(
  what: string,
  make: () => Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  const made = await make();
  say(`generated ${what} in ${secs(performance.now() - t0)}: ${timings(made.timings)}`);
  return made;
}

function homeLoad(b: Bench, towns: GeneratedData): LoadConfig {
  return {
    ...common(),
    url: `http://127.0.0.1:${b.platform.port}`,
    method: "GET",
    path: "/",
    targets: homeTargets(towns, b.platform.port),
  };
}

/** The home page of the given towns' parents, recorded as a scenario. */
export function homeRun(b: Bench, name: string, towns: GeneratedData): Promise<Scenario> {
  return b.run(name, 200, process.pid, homeLoad(b, towns));
}

/**
 * The first load a fresh portal takes runs through cold code (V8 compiles it as it goes):
 * one unmeasured run first, so the 10-town figure compares like with like.
 */
async function warmUp(b: Bench, towns: GeneratedData): Promise<void> {
  say(`warming the portal up on the home page (not measured)… (load average ${load()})`);
  await runLoad(b.dir, "warm-up", homeLoad(b, towns));
}

export async function generateData(b: Bench): Promise<BenchData> {
  const small = await grow(b, SETTINGS.scaleSmall, 1);
  if (b.want("scale")) await warmUp(b, small);
  const smallRun = b.want("scale")
    ? await homeRun(b, `scale: home page with ${SETTINGS.scaleSmall} towns`, small)
    : undefined;
  const data = b.needs("home", "pages", "open", "scale")
    ? mergeGenerated(small, await grow(b, SETTINGS.towns - SETTINGS.scaleSmall, SETTINGS.scaleSmall + 1))
    : small;
  const planning = b.needs("home", "pages", "open", "rush") ? await planningTown(b) : undefined;
  const billing = b.needs("home", "pages", "open", "invoicing", "enrolments")
    ? await billingTown(b)
    : undefined;
  const messages = b.needs("home", "pages", "open", "broadcast") ? await messagesTown(b) : undefined;
  return { data, smallRun, planning, billing, messages };
}

const planningTown = (b: Bench) =>
  timed("the planning town", () =>
    generatePlanning(
      b.platform.deps.db,
      {
        rushParents: SETTINGS.rushParents,
        calendarFamilies: SETTINGS.planningFamilies,
        capacity: SETTINGS.rushCapacity,
      },
      b.platform.deps.now(),
    ),
  );

const billingTown = (b: Bench) =>
  timed("the billing town", () =>
    generateBilling(
      b.platform.deps.db,
      b.ownerUrl,
      {
        families: SETTINGS.billingChildren,
        historyFamilies: Math.min(SETTINGS.invoiceParents, SETTINGS.billingChildren),
      },
      b.platform.deps.now(),
    ),
  );

const messagesTown = (b: Bench) =>
  timed("the messages town", () =>
    generateMessages(b.platform.deps.db, b.ownerUrl, {
      households: SETTINGS.broadcastHouseholds,
      inboxParents: Math.min(SETTINGS.inboxParents, SETTINGS.broadcastHouseholds),
    }),
  );
