import { randomBytes } from "node:crypto";
import type { CreateRequestFields, FaultType, Operation } from "../types.ts";

/** In-memory state of the simulator (docs/payfip.md §5): operations, policies, faults, clock. */

export type ResultCode = "P" | "V" | "R" | "Z" | "A";
export type OperationState = "CREATED" | "PAGE_OPENED" | ResultCode;

export interface NotificationRecord {
  at: number;
  method: "GET" | "POST";
  url: string;
  /** The partner's HTTP status, or undefined when the call failed (see error). */
  status?: number;
  error?: string;
}

export interface SimOperation {
  idOp: string;
  request: CreateRequestFields;
  createdAt: number;
  state: OperationState;
  resultAt?: number;
  numauto?: string;
  notifications: NotificationRecord[];
}

export interface NotificationPolicy {
  mode: "immediate" | "delayed" | "duplicated" | "never";
  /** `delayed`: real milliseconds after the outcome. */
  delayMs: number;
  /** `duplicated`: how many identical calls. */
  copies: number;
  /** Sent (and awaited) before the browser is sent back, or just after the return page. */
  order: "before-return" | "after-return";
  method: "GET" | "POST";
  param: "idop" | "idOp";
}

export interface SimPolicy {
  notification: NotificationPolicy;
  /** How the browser goes back to urlredirect: a form POST (auto-submitted) or a 302. */
  redirect: "form" | "302";
  /** Mimic the real test platform echoing exer as "20" when saisie=T. */
  truncateExer: boolean;
}

export type InjectedFault =
  | { kind: "soap"; type?: FaultType; code: string; libelle?: string }
  | { kind: "http"; status: number }
  | { kind: "hang"; ms?: number }
  | { kind: "invalid-xml" }
  | { kind: "reset" };

export interface CallRecord {
  at: number;
  operation: string;
  idOp?: string;
  status: number;
  fault?: string;
}

export const defaultPolicy = (): SimPolicy => ({
  notification: {
    mode: "immediate",
    delayMs: 1000,
    copies: 2,
    order: "before-return",
    method: "POST",
    param: "idop",
  },
  redirect: "form",
  truncateExer: false,
});

export class SimState {
  operations = new Map<string, SimOperation>();
  faults = new Map<Operation, InjectedFault[]>();
  calls: CallRecord[] = [];
  policy: SimPolicy = defaultPolicy();
  clockOffset = 0;

  now(): number {
    return Date.now() + this.clockOffset;
  }

  reset(): void {
    this.operations.clear();
    this.faults.clear();
    this.calls = [];
    this.policy = defaultPolicy();
    this.clockOffset = 0;
  }

  /** The next injected fault for an operation, consumed. */
  takeFault(operation: Operation): InjectedFault | undefined {
    return this.faults.get(operation)?.shift();
  }

  inject(operation: Operation, fault: InjectedFault, times = 1): void {
    const list = this.faults.get(operation) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(operation, list);
  }

  setPolicy(
    patch: Partial<Omit<SimPolicy, "notification">> & { notification?: Partial<NotificationPolicy> },
  ): void {
    this.policy = {
      ...this.policy,
      ...patch,
      notification: { ...this.policy.notification, ...patch.notification },
    };
  }

  /** The nightly purge: operations that never got a result and are past 15 minutes vanish (P1). */
  purge(): number {
    let removed = 0;
    for (const [id, op] of this.operations) {
      if (
        (op.state === "CREATED" || op.state === "PAGE_OPENED") &&
        this.now() - op.createdAt > FIFTEEN_MINUTES
      ) {
        this.operations.delete(id);
        removed++;
      }
    }
    return removed;
  }
}

export const FIFTEEN_MINUTES = 15 * 60_000;

/** A v1-style UUID (time-based fields, random node) like the real idOps. */
export function uuidV1(now: number): string {
  const ticks = BigInt(now) * 10_000n + 0x01b21dd213814000n + BigInt(randomBytes(1)[0] ?? 0);
  const hex = ticks.toString(16).padStart(15, "0");
  const low = hex.slice(-8);
  const mid = hex.slice(-12, -8);
  const high = `1${hex.slice(0, 3)}`;
  const seq = ((randomBytes(2).readUInt16BE(0) & 0x3fff) | 0x8000).toString(16);
  return `${low}-${mid}-${high}-${seq}-${randomBytes(6).toString("hex")}`;
}
