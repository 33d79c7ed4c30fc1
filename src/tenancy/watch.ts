import pg from "pg";

export const TENANTS_CHANNEL = "parvis_tenants";
const RETRY_MS = 1_000;

export interface TenantWatcher {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  close(): Promise<void>;
}

interface Watch {
  client: pg.Client | null;
  closed: boolean;
  timer?: NodeJS.Timeout;
  /** A new connection in a while, unless the watcher is closed. */
  retry: () => void;
}

/** One connection that LISTENs; when it breaks (or never comes up), the watch retries. */
async function listen(w: Watch, connectionString: string, onChange: () => void, listening: () => void) {
  const c = new pg.Client({ connectionString });
  w.client = c;
  c.on("notification", () => onChange());
  c.on("error", () => {});
  c.on("end", () => {
    if (w.client === c) w.retry();
  });
  try {
    await c.connect();
    await c.query(`listen ${TENANTS_CHANNEL}`);
    onChange();
    listening();
  } catch {
    c.removeAllListeners("end");
    await c.end().catch(() => {});
    if (w.client === c) w.retry();
  }
}

/**
 * Calls `onChange` whenever a tenants row changes in any process (the trigger of migration
 * 2026-12-06T1300 notifies at commit), and after every reconnection, since notifications sent
 * while the connection was down are lost. A broken connection never stops the process.
 */
export function watchTenantChanges(connectionString: string, onChange: () => void): TenantWatcher {
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const connect = () => listen(w, connectionString, onChange, markReady);
  const w: Watch = {
    client: null,
    closed: false,
    retry: () => {
      w.client = null;
      if (!w.closed) w.timer = setTimeout(connect, RETRY_MS);
    },
  };
  void connect();
  return {
    ready,
    async close() {
      w.closed = true;
      clearTimeout(w.timer);
      const c = w.client;
      w.client = null;
      await c?.end().catch(() => {});
    },
  };
}
