import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createPayfipSimulator, type PayfipSimulatorOptions } from "./app.ts";
import type { SimulatorControl } from "./control.ts";

export interface RunningSimulator {
  /** Base URL: SOAP at `${url}/tpa/services/securite`, page at `${url}/tpa/paiementws.web`. */
  url: string;
  control: SimulatorControl;
  close(): Promise<void>;
}

/** The simulator on its own port (0: any free port). */
export async function startPayfipSimulator(
  options: PayfipSimulatorOptions & { port?: number; hostname?: string } = {},
): Promise<RunningSimulator> {
  const { app, control } = createPayfipSimulator(options);
  const hostname = options.hostname ?? "127.0.0.1";
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const shown = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
  return {
    url: `http://${shown}:${port}`,
    control,
    async close() {
      control.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
    },
  };
}
