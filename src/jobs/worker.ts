import { run, Logger as WorkerLogger } from "graphile-worker";
import pg from "pg";
import type { Database } from "../db/database.ts";
import { type BasketExpiryJob, createBasketExpiryJob } from "../features/billing/basket-job.ts";
import { createPaymentCheckJob, type PaymentCheckJob } from "../features/billing/payment-check-job.ts";
import { createWaitingListJob, type PlaceReleaseJob } from "../features/planning/waiting-job.ts";
import { createMailRelay, type OutboxJob } from "../integrations/mail/relay.ts";
import type { SendMail } from "../integrations/mail/transport.ts";
import type { PayfipSettings } from "../integrations/payfip/types.ts";
import type { Logger } from "../lib/log.ts";

/**
 * The queue (graphile-worker) runs on its own LOGIN role, which owns only the queue's schema
 * (no superuser, no BYPASSRLS); every handler reaches town data through withTenant as the
 * app_jobs persona.
 */
export interface Worker {
  stop(): Promise<void>;
}

export async function startWorker(opts: {
  /** The queue role's connection (src/db/prepare.ts queueLogin). */
  queueUrl: string;
  db: Database;
  send: SendMail;
  from: string;
  log: Logger;
  /** Where PayFiP answers; without it pending attempts are not polled. */
  payfip?: PayfipSettings;
}): Promise<Worker> {
  const relay = createMailRelay(opts.db, opts.send, opts.from, opts.log);
  const promoteWaiting = createWaitingListJob(opts.db);
  const checkPayment = opts.payfip ? createPaymentCheckJob(opts.db, opts.payfip, opts.log) : null;
  const expireBasket = createBasketExpiryJob(opts.db, opts.payfip, opts.log);
  const logger = new WorkerLogger(() => (level, message) => {
    if (level === "error" || level === "warning") opts.log.warn({ worker: true }, message);
  });
  // Our own pool, so that stopping waits for its sockets (the runner does not await pool.end()).
  const pgPool = new pg.Pool({ connectionString: opts.queueUrl, max: 4 });
  pgPool.on("error", (err) => opts.log.warn({ err: String(err) }, "job queue connection lost"));
  const runner = await run({
    pgPool,
    concurrency: 2,
    noHandleSignals: true,
    pollInterval: 2000,
    logger,
    taskList: {
      send_mail: async (payload) => relay(payload as OutboxJob),
      promote_waiting: async (payload) => promoteWaiting(payload as PlaceReleaseJob),
      check_payment: async (payload, helpers) => {
        const job = payload as PaymentCheckJob;
        const again = await checkPayment?.(job);
        if (again) await helpers.addJob("check_payment", { ...job, round: job.round + 1 }, { runAt: again });
      },
      expire_basket: async (payload, helpers) => {
        const again = await expireBasket(payload as BasketExpiryJob);
        if (again) await helpers.addJob("expire_basket", payload as BasketExpiryJob, { runAt: again });
      },
    },
  });
  return {
    async stop() {
      await runner.stop();
      await pgPool.end();
    },
  };
}
