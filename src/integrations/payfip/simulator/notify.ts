import { lookup } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { NotificationPolicy, NotificationRecord, SimOperation } from "./state.ts";

/** `*.localhost` resolves to the loopback, as browsers do (the demo towns are sene.localhost…). */
const localLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) {
    if (options.all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: "127.0.0.1", family: 4 },
      ]);
    else callback(null, "127.0.0.1", 4);
    return;
  }
  lookup(hostname, options, callback);
};

/** One server-to-server call to urlnotif carrying only the idOp; records the partner's status. */
export function sendNotification(
  op: SimOperation,
  policy: NotificationPolicy,
  at: number,
): Promise<NotificationRecord> {
  const url = new URL(op.request.urlnotif);
  const form = new URLSearchParams({ [policy.param]: op.idOp }).toString();
  if (policy.method === "GET") url.searchParams.set(policy.param, op.idOp);
  const record: NotificationRecord = { at, method: policy.method, url: url.toString() };
  op.notifications.push(record);
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const request = transport.request(
      url,
      {
        method: policy.method,
        lookup: localLookup,
        timeout: 10_000,
        headers: policy.method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {},
      },
      (response) => {
        record.status = response.statusCode;
        response.resume();
        response.on("end", () => resolve(record));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", (error) => {
      record.error = error.message;
      resolve(record);
    });
    request.end(policy.method === "POST" ? form : undefined);
  });
}
