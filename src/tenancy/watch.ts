import pg from "pg";

export const TENANTS_CHANNEL = "parvis_tenants";
const RETRY_MS = 1_000;

export interface TenantWatcher {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Calls `onChange` whenever a tenants row changes in any process (the trigger of migration
 * 2026-12-06T1300 notifies at commit), and after every reconnection, since notifications sent
 * while the connection was down are lost. A broken connection never stops the process.
 */
export function watchTenantChanges(connectionString: string, onChange: () => void): TenantWatcher {
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const retry = () => {
    client = null;
    if (!closed) timer = setTimeout(connect, RETRY_MS);
  };
  async function connect() {
    const c = new pg.Client({ connectionString });
    client = c;
    c.on("notification", () => onChange());
    c.on("error", () => {});
    c.on("end", () => {
      if (client === c) retry();
    });
    try {
      await c.connect();
      await c.query(`listen ${TENANTS_CHANNEL}`);
      onChange();
      markReady();
    } catch {
      c.removeAllListeners("end");
      await c.end().catch(() => {});
      if (client === c) retry();
    }
  }
  void connect();

  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
