import { type JobHelpers, run, type TaskList, Logger as WorkerLogger } from "graphile-worker";
import type pg from "pg";
import { composeFeatures } from "../compose.ts";
import { type Database, resilientPool } from "../db/database.ts";
import { type BasketExpiryJob, createBasketExpiryJob } from "../features/billing/basket/basket-job.ts";
import { createInvoicingJob, type InvoicingJob } from "../features/billing/invoicing/invoicing-job.ts";
import { createAccountsCheckJob } from "../features/billing/payments/accounts-check/accounts-check-job.ts";
import {
  createPaymentCheckJob,
  type PaymentCheckJob,
} from "../features/billing/payments/online/payment-check-job.ts";
import { createRetentionJob } from "../features/my-data/retention-job.ts";
import {
  createOfferExpiryJob,
  type OfferExpiryJob,
} from "../features/planning/booking/places/offer-expiry-job.ts";
import {
  createWaitingListJob,
  type PlaceReleaseJob,
} from "../features/planning/booking/places/waiting-job.ts";
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

export interface WorkerOptions {
  /** The queue role's connection (src/db/prepare.ts queueLogin). */
  queueUrl: string;
  db: Database;
  send: SendMail;
  from: string;
  log: Logger;
  /** Where PayFiP answers; without it pending attempts are not polled. */
  payfip?: PayfipSettings;
  /** Jobs of a worker whose every lock is older than this (ms) are run again (5 min by default). */
  staleAfterMs?: number;
  /** The platform's clock (the app's deps.now): jobs decide with the same time as the pages. */
  now?: () => Date;
}

/** Every task the queue runs; those that must look again later queue themselves. */
function tasks(opts: WorkerOptions, now: () => Date, staleAfterMs: number): TaskList {
  // A job answers « look again at T » on the platform's clock; the queue runs on real time.
  const runAt = (again: Date) => new Date(Date.now() + Math.max(0, again.getTime() - now().getTime()));
  const relay = createMailRelay(opts.db, opts.send, opts.from, opts.log);
  const promoteWaiting = createWaitingListJob(opts.db);
  const checkPayment = opts.payfip ? createPaymentCheckJob(opts.db, opts.payfip, opts.log) : null;
  const expireBasket = createBasketExpiryJob(opts.db, opts.payfip, opts.log);
  const expireOffer = createOfferExpiryJob(opts.db);
  const issueInvoicing = createInvoicingJob(opts.db, opts.log, now);
  return {
    check_accounts: async () => void (await createAccountsCheckJob(opts.db, opts.log)()),
    apply_retention: async () => void (await createRetentionJob(opts.db, opts.log)(now())),
    send_mail: async (payload) => relay(payload as OutboxJob),
    promote_waiting: async (payload) => promoteWaiting(payload as PlaceReleaseJob),
    check_payment: async (payload, helpers) => {
      const job = payload as PaymentCheckJob;
      const again = await checkPayment?.(job);
      if (again) await helpers.addJob("check_payment", { ...job, round: job.round + 1 }, { runAt: again });
    },
    expire_offer: async (payload, helpers) => {
      const again = await expireOffer(payload as OfferExpiryJob, now());
      if (again) await helpers.addJob("expire_offer", payload as OfferExpiryJob, { runAt: runAt(again) });
    },
    issue_invoicing: async (payload, helpers) =>
      withHeartbeat(helpers, staleAfterMs, () => issueInvoicing(payload as InvoicingJob)),
    expire_basket: async (payload, helpers) => {
      const again = await expireBasket(payload as BasketExpiryJob, now());
      if (again) await helpers.addJob("expire_basket", payload as BasketExpiryJob, { runAt: runAt(again) });
    },
  };
}

export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  composeFeatures();
  const now = opts.now ?? (() => new Date());
  const staleAfterMs = opts.staleAfterMs ?? 300_000;
  const logger = new WorkerLogger(() => (level, message) => {
    if (level === "error" || level === "warning") opts.log.warn({ worker: true }, message);
  });
  // Our own pool, so that stopping waits for its sockets (the runner does not await pool.end()).
  const pgPool = resilientPool(opts.queueUrl, {
    max: 4,
    onConnectionError: (err) => opts.log.warn({ err: String(err) }, "job queue connection lost"),
  });
  const runner = await run({
    pgPool,
    concurrency: 2,
    noHandleSignals: true,
    pollInterval: 2000,
    logger,
    crontab: "30 2 * * * check_accounts\n15 3 * * * apply_retention",
    taskList: tasks(opts, now, staleAfterMs),
  });
  const sweeper = startStaleLockSweep(pgPool, staleAfterMs, opts.log);
  return {
    async stop() {
      sweeper.stop();
      await runner.stop();
      await pgPool.end();
    },
  };
}

// A worker none of whose jobs was locked recently is gone (crashed, killed): its jobs go back
// to the queue. graphile-worker alone waits 4 hours. Safe to run again: an e-mail's outbox row
// says whether it was sent, a payment check asks PayFiP, a basket expiry re-reads the basket.
const UNLOCK_STALE = `select graphile_worker.force_unlock_workers(array(
  select locked_by from graphile_worker.jobs where locked_by is not null
  group by locked_by having max(locked_at) < now() - make_interval(secs => $1::float8 / 1000)))`;

function startStaleLockSweep(pool: pg.Pool, staleAfterMs: number, log: Logger) {
  const sweep = () =>
    pool.query(UNLOCK_STALE, [staleAfterMs]).then(
      (r) => r.rowCount && log.debug({ worker: true }, "stale job locks released"),
      (err) => log.warn({ err: String(err) }, "stale job locks not released"),
    );
  void sweep();
  const timer = setInterval(sweep, Math.min(staleAfterMs, 60_000));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

const HEARTBEAT = `update graphile_worker._private_jobs set locked_at = now()
  where id = $1 and locked_by = $2`;

/**
 * A job that may outlast the stale-lock sweep (an invoicing run of a city) keeps its lock
 * fresh, three times per staleness window: the sweeper only releases a worker whose every
 * lock is old, so a living worker's long job is never run a second time.
 */
export async function withHeartbeat<T>(helpers: JobHelpers, staleAfterMs: number, fn: () => Promise<T>) {
  const beat = () =>
    helpers
      .withPgClient((client) => client.query(HEARTBEAT, [helpers.job.id, helpers.job.locked_by]))
      .catch((err) => helpers.logger.warn(`job heartbeat failed: ${String(err)}`));
  const timer = setInterval(beat, Math.max(50, Math.floor(staleAfterMs / 3)));
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
