import { run, Logger as WorkerLogger } from "graphile-worker";
import pg from "pg";
import type { Database } from "../db/database.ts";
import { createAccountsCheckJob } from "../features/billing/accounts-check-job.ts";
import { type BasketExpiryJob, createBasketExpiryJob } from "../features/billing/basket-job.ts";
import { createPaymentCheckJob, type PaymentCheckJob } from "../features/billing/payment-check-job.ts";
import { createOfferExpiryJob, type OfferExpiryJob } from "../features/planning/offer-job.ts";
import { createWaitingListJob, type PlaceReleaseJob } from "../features/planning/waiting-job.ts";
import { createMailRelay, type OutboxJob } from "../integrations/mail/relay.ts";
import type { SendMail } from "../integrations/mail/transport.ts";
import type { PayfipSettings } from "../integrations/payfip/types.ts";
import type { Logger } from "../lib/log.ts";

/**
 * The queue (graphile-worker) runs on the owner connection, which only touches its own
 * schema; every handler reaches town data through withTenant as the app_jobs persona.
 */
export interface Worker {
  stop(): Promise<void>;
}

export async function startWorker(opts: {
  ownerUrl: string;
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
  const expireOffer = createOfferExpiryJob(opts.db);
  const logger = new WorkerLogger(() => (level, message) => {
    if (level === "error" || level === "warning") opts.log.warn({ worker: true }, message);
  });
  // Our own pool, so that stopping waits for its sockets (the runner does not await pool.end()).
  const pgPool = new pg.Pool({ connectionString: opts.ownerUrl, max: 4 });
  pgPool.on("error", (err) => opts.log.warn({ err: String(err) }, "job queue connection lost"));
  const runner = await run({
    pgPool,
    concurrency: 2,
    noHandleSignals: true,
    pollInterval: 2000,
    logger,
    crontab: "30 2 * * * check_accounts",
    taskList: {
      check_accounts: async () => void (await createAccountsCheckJob(opts.db, opts.log)()),
      send_mail: async (payload) => relay(payload as OutboxJob),
      promote_waiting: async (payload) => promoteWaiting(payload as PlaceReleaseJob),
      check_payment: async (payload, helpers) => {
        const job = payload as PaymentCheckJob;
        const again = await checkPayment?.(job);
        if (again) await helpers.addJob("check_payment", { ...job, round: job.round + 1 }, { runAt: again });
      },
      expire_offer: async (payload, helpers) => {
        const again = await expireOffer(payload as OfferExpiryJob);
        if (again) await helpers.addJob("expire_offer", payload as OfferExpiryJob, { runAt: again });
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
