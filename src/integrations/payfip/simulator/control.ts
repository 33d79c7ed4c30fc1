import { Hono } from "hono";
import type { Operation } from "../types.ts";
import { sendNotification } from "./notify.ts";
import { makeNumauto, SimFault } from "./operations.ts";
import {
  type CallRecord,
  FIFTEEN_MINUTES,
  type InjectedFault,
  type NotificationPolicy,
  type NotificationRecord,
  type ResultCode,
  type SimOperation,
  type SimPolicy,
  type SimState,
} from "./state.ts";

export type PolicyPatch = Partial<Omit<SimPolicy, "notification">> & {
  notification?: Partial<NotificationPolicy>;
};

/** What tests (and the JSON API under /__sim/) can do to the simulator. */
export interface SimulatorControl {
  reset(): void;
  setPolicy(patch: PolicyPatch): SimPolicy;
  injectFault(operation: Operation, fault: InjectedFault, times?: number): void;
  operations(): SimOperation[];
  operation(idOp: string): SimOperation | undefined;
  calls(): CallRecord[];
  /** Sets the result as the payment page would (P3/P4/P1 as SimFault); returns the return URL. */
  complete(idOp: string, result: ResultCode): Promise<string>;
  /** One notification now, with the current policy's method and parameter. */
  notify(idOp: string): Promise<NotificationRecord>;
  advanceClock(ms: number): void;
  /** The nightly purge; returns how many idOps vanished. */
  purge(): number;
  /** Resolves once every queued notification has been sent. */
  settled(): Promise<void>;
  /** Cancels queued notifications and pending hangs. */
  stop(): void;
}

const RESULTS: readonly string[] = ["P", "V", "R", "Z", "A"];

export function isResultCode(value: unknown): value is ResultCode {
  return typeof value === "string" && RESULTS.includes(value);
}

/** The operation a payment page or a forced outcome may act on, or the page's error code. */
export function openable(state: SimState, idOp: string | undefined): SimOperation {
  const op = idOp ? state.operations.get(idOp) : undefined;
  if (!op) throw new SimFault("P1", "IdOp incorrect");
  // docs/payfip.md « Abandon »: an abandoned page is not final, it can still be paid in its window.
  if (op.state !== "CREATED" && op.state !== "PAGE_OPENED" && op.state !== "A") {
    throw new SimFault("P3", "L'idop ne doit pas avoir déjà été utilisé (pour un paiement)");
  }
  if (state.now() - op.createdAt > FIFTEEN_MINUTES) {
    throw new SimFault("P4", "L'idop ne doit pas avoir été enregistré depuis plus de 15 minutes");
  }
  return op;
}

/** Sends notifications by the policy of the moment; keeps track of the queued ones. */
function notifier(state: SimState) {
  const timers = new Set<NodeJS.Timeout>();
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>) => {
    pending.add(p);
    p.finally(() => pending.delete(p));
    return p;
  };
  const sendAll = async (op: SimOperation, count: number) => {
    const policy = { ...state.policy.notification };
    for (let i = 0; i < count; i++) await sendNotification(op, policy, state.now());
  };
  return {
    async dispatch(op: SimOperation) {
      const n = state.policy.notification;
      const count = n.mode === "never" ? 0 : n.mode === "duplicated" ? n.copies : 1;
      const delay = n.mode === "delayed" ? n.delayMs : 0;
      if (count === 0) return;
      if (delay === 0 && n.order === "before-return") return void (await track(sendAll(op, count)));
      let release = () => {};
      track(new Promise<void>((r) => (release = r)));
      const timer = setTimeout(() => {
        timers.delete(timer);
        track(sendAll(op, count)).finally(release);
      }, delay);
      timers.add(timer);
    },
    once: (op: SimOperation) => track(sendNotification(op, { ...state.policy.notification }, state.now())),
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

export function createControl(state: SimState, hangs: AbortController): SimulatorControl {
  const notifications = notifier(state);
  return {
    reset: () => state.reset(),
    setPolicy(patch) {
      state.setPolicy(patch);
      return state.policy;
    },
    injectFault: (operation, fault, times) => state.inject(operation, fault, times),
    operations: () => [...state.operations.values()],
    operation: (idOp) => state.operations.get(idOp),
    calls: () => [...state.calls],
    async complete(idOp, result) {
      const op = openable(state, idOp);
      op.state = result;
      op.resultAt = state.now();
      if (result === "P" || result === "V") op.numauto = makeNumauto(op.request.saisie);
      await notifications.dispatch(op);
      const url = new URL(op.request.urlredirect);
      url.searchParams.set("idop", op.idOp);
      return url.toString();
    },
    async notify(idOp) {
      const op = state.operations.get(idOp);
      if (!op) throw new SimFault("P1", "IdOp incorrect");
      return notifications.once(op);
    },
    advanceClock(ms) {
      state.clockOffset += ms;
    },
    purge: () => state.purge(),
    settled: () => notifications.settled(),
    stop() {
      notifications.stop();
      hangs.abort();
    },
  };
}

/** The JSON control API, mounted at /__sim. */
export function controlRoutes(control: SimulatorControl): Hono {
  const api = new Hono();
  const known = (op: string): op is Operation =>
    ["creerPaiementSecurise", "recupererDetailPaiementSecurise", "recupererDetailClient"].includes(op);
  api.onError((error, c) =>
    error instanceof SimFault
      ? c.json({ code: error.code, error: error.libelle }, 404)
      : c.json({ error: error.message }, 400),
  );
  api.post("/reset", (c) => {
    control.reset();
    return c.json({ ok: true });
  });
  api.get("/operations", (c) => c.json(control.operations()));
  api.get("/operations/:idOp", (c) => {
    const op = control.operation(c.req.param("idOp"));
    return op ? c.json(op) : c.json({ code: "P1" }, 404);
  });
  api.get("/calls", (c) => c.json(control.calls()));
  api.put("/policy", async (c) => c.json(control.setPolicy(await c.req.json())));
  api.post("/faults", async (c) => {
    const body = (await c.req.json()) as { operation: string; fault: InjectedFault; times?: number };
    if (!known(body.operation)) return c.json({ error: "opération inconnue" }, 400);
    control.injectFault(body.operation, body.fault, body.times);
    return c.json({ ok: true });
  });
  api.post("/operations/:idOp/outcome", async (c) => {
    const { resultrans } = (await c.req.json()) as { resultrans?: unknown };
    if (!isResultCode(resultrans)) return c.json({ error: "resultrans ∈ P, V, R, Z, A" }, 400);
    return c.json({ redirect: await control.complete(c.req.param("idOp"), resultrans) });
  });
  api.post("/operations/:idOp/notify", async (c) => c.json(await control.notify(c.req.param("idOp"))));
  api.post("/clock", async (c) => {
    const { advanceMs } = (await c.req.json()) as { advanceMs?: number };
    control.advanceClock(Number(advanceMs) || 0);
    return c.json({ ok: true });
  });
  api.post("/purge", (c) => c.json({ purged: control.purge() }));
  return api;
}
