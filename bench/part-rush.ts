/** Parts `rush` and `broadcast`: a town's bookings all at once, a message to every household. */
import { DOMAIN, load, profileDir, SETTINGS, say } from "./common.ts";
import type { BenchData } from "./data.ts";
import { type BroadcastReport, broadcastLines, runBroadcast } from "./messages-scenarios.ts";
import { type RushReport, runRush, rushLines } from "./planning-scenarios.ts";
import { saveProfile, startProfile, summarise } from "./profile.ts";
import type { Bench } from "./setup.ts";

/** Issue 17 item 3: 1,000 parents booking one 200-place day within 1 s. */
export async function rushPart(b: Bench, d: BenchData): Promise<RushReport | undefined> {
  if (!b.want("rush") || !d.planning) {
    b.summary.notRun(3, "the rush", "BENCH_ONLY");
    return undefined;
  }
  say(
    `running the rush (${SETTINGS.rushParents} parents within ${SETTINGS.rushSpreadMs} ms)… (load average ${load()})`,
  );
  // BENCH_PROFILE: the portal under V8's profiler during the rush (its figures then include the profiler's cost).
  const stopProfile = process.env.BENCH_PROFILE ? await startProfile() : undefined;
  const rush = await runRush(b.dir, b.platform.deps.db, d.planning, b.platform.port, SETTINGS.rushSpreadMs);
  if (stopProfile) {
    const profile = await stopProfile();
    say(summarise(profile));
    say(
      `profile (the rush, figures above taken under it): ${saveProfile(profile, profileDir(), `bench-rush-${Date.now()}`)}`,
    );
  }
  for (const line of rushLines(rush, SETTINGS.rushSpreadMs)) say(line);
  rushSummary(b, rush);
  return rush;
}

function rushSummary(b: Bench, rush: RushReport): void {
  const cpu = rush.cpu ? rush.cpu.server + rush.cpu.postgres : null;
  const s = b.summary;
  s.add(3, "places over capacity", String(rush.overCapacity), "0", rush.overCapacity === 0);
  s.add(
    3,
    `every parent answered (of ${rush.parents})`,
    `max ${rush.max} ms, ${rush.failed} errors`,
    "≤ 3 s, 0 errors",
    rush.max <= 3000 && rush.failed === 0,
  );
  s.add(
    3,
    "CPU per booking (portal + PG)",
    cpu === null ? "n/a" : `${cpu.toFixed(1)} ms`,
    "≤ 4 ms",
    cpu === null ? null : cpu <= 4,
  );
  s.add(
    3,
    "occupancy lock held",
    `p50 ${rush.lockHold.p50.toFixed(1)} ms, p99 ${rush.lockHold.p99.toFixed(1)} ms`,
    "printed",
    null,
  );
}

export async function broadcastPart(b: Bench, d: BenchData): Promise<BroadcastReport | undefined> {
  if (!b.want("broadcast") || !d.messages) return undefined;
  const messages = d.messages;
  say(`running the broadcast to ${messages.households} households…`);
  const broadcast = await runBroadcast(
    b.platform.deps.db,
    messages,
    `http://${messages.tenant.slug}.${DOMAIN}:${b.platform.port}`,
  );
  for (const line of broadcastLines(broadcast, messages.households)) say(line);
  return broadcast;
}
