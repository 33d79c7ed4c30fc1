/** Parts `cold`, `bytes` and `lighthouse`: a web process's boot and the public page's bytes. */
import { bytesChecks, bytesLines, lighthouseLine, measureBytes, runLighthouse } from "./bytes.ts";
import { COLD_START_TARGET_MS, coldStartLines, measureColdStart, profileColdStart } from "./cold-start.ts";
import { DOMAIN, load, SETTINGS, say, secs } from "./common.ts";
import type { GeneratedData } from "./generate.ts";
import type { Bench } from "./setup.ts";

type Session = GeneratedData["sessions"][number];

/** Issue 17 item 7: `npm run web` ready from a migrated database. */
export async function coldPart(b: Bench, session: Session): Promise<void> {
  if (!b.want("cold")) return b.summary.notRun(7, "web process ready", "BENCH_ONLY");
  say(`measuring the cold start of a web process… (load average ${load()})`);
  const webEnv = {
    NODE_ENV: "production",
    DEMO: "false",
    DATABASE_URL: b.ownerUrl,
    APP_DB_USER: b.login.user,
    APP_DB_PASSWORD: b.login.password,
    DATA_DIR: b.dir,
    PLATFORM_DOMAIN: DOMAIN,
    SMTP_URL: b.mailbox.smtpUrl,
    DB_POOL_SIZE: String(SETTINGS.poolSize),
  };
  const home = { host: `${session.slug}.${DOMAIN}`, cookie: `__Host-parvis=${session.token}` };
  const coldStart = await measureColdStart(webEnv, home);
  for (const line of coldStartLines(coldStart)) say(line);
  if (process.env.BENCH_PROFILE) say(await profileColdStart(webEnv, home));
  b.summary.add(
    7,
    "web process ready (npm run web, migrated database)",
    `${secs(coldStart.readyMs)} (CPU ${secs(coldStart.readyCpuMs)})`,
    `≤ ${secs(COLD_START_TARGET_MS)}`,
    coldStart.readyMs <= COLD_START_TARGET_MS,
  );
}

/** Issue 17 item 6: the public page and its assets as a browser asks for them, then Lighthouse. */
export async function bytesPart(b: Bench, session: Session): Promise<void> {
  if (!b.want("bytes") && !b.want("lighthouse"))
    return b.summary.notRun(6, "bytes on the wire", "BENCH_ONLY");
  const host = `${session.slug}.${DOMAIN}:${b.platform.port}`;
  const bytes = await measureBytes(b.platform.port, host);
  for (const line of bytesLines(bytes)) say(line);
  bytesSummary(b, bytes);
  if (b.want("lighthouse")) await lighthousePart(b, `http://${host}${bytes.publicPath}`);
  else b.summary.notRun(6, "Lighthouse performance", "BENCH_ONLY");
}

function bytesSummary(b: Bench, bytes: Awaited<ReturnType<typeof measureBytes>>): void {
  const c = bytesChecks(bytes);
  const encoded = bytes.assets.filter((a) => a.encoding !== "none").length;
  const { page, favicon } = bytes;
  const add = b.summary.add.bind(b.summary);
  add(
    6,
    "public page HTML compressed",
    `${page.encoding}, ${page.sent} B for ${page.content} B`,
    "br or gzip",
    c.pageOk,
  );
  add(
    6,
    "its CSS/JS/SVG compressed",
    `${encoded}/${bytes.assets.length} assets encoded`,
    "all text assets",
    c.textsOk,
  );
  add(
    6,
    "assets fingerprinted + immutable",
    `${bytes.assets.length} linked`,
    "max-age=31536000, immutable",
    c.cacheOk,
  );
  add(6, "favicon", `/favicon.ico ${favicon.status}, ${favicon.content} B`, "200", c.faviconOk);
}

async function lighthousePart(b: Bench, url: string): Promise<void> {
  say(`running Lighthouse on ${url}… (load average ${load()})`);
  const lh = await runLighthouse(url, b.dir);
  say(lighthouseLine(lh, url));
  b.summary.add(
    6,
    "Lighthouse performance (public page)",
    lh.score === null ? `none: ${lh.problem ?? "?"}`.slice(0, 80) : `${lh.score}/100`,
    "reported",
    lh.score === null ? false : null,
  );
}
