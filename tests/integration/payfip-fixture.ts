import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { readIdOp } from "../../src/integrations/payfip/callback.ts";
import {
  type RunningSimulator,
  startPayfipSimulator,
} from "../../src/integrations/payfip/simulator/server.ts";

/** A partner site (us) receiving PayFiP notifications and returns, over real HTTP. */
export interface Partner {
  url: string;
  received: { kind: "notif" | "retour"; method: string; idOp: string | null }[];
  close(): Promise<void>;
}

export async function startPartner(): Promise<Partner> {
  const received: Partner["received"] = [];
  const app = new Hono();
  for (const kind of ["notif", "retour"] as const) {
    app.on(["GET", "POST"], `/${kind}`, async (c) => {
      received.push({ kind, method: c.req.method, idOp: await readIdOp(c) });
      return c.text("ok");
    });
  }
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function startSimulator(): Promise<RunningSimulator> {
  return startPayfipSimulator({
    port: 0,
    clients: { "090909": { libelleN2: "POUETPOUET" }, "123456": { secure: false } },
  });
}
