import type { Server, ServerResponse } from "node:http";

export interface Draining {
  /** Stop accepting, finish what is in flight, and close everything by the deadline. */
  close(deadlineMs: number): Promise<void>;
}

/**
 * Bounded shutdown of a Node HTTP server (architecture §5.11): once closing, every response says
 * `Connection: close` so keep-alive clients go away after their current request, idle
 * sockets are closed at once, and whatever remains (a client stuck in its headers, a
 * request that never ends) is cut at the deadline.
 */
export function drainable(server: Server): Draining {
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  const closeHeader = (res: ServerResponse) => {
    if (res.headersSent) return;
    // Node then writes `Connection: close` itself and ends the socket after this response.
    res.shouldKeepAlive = false;
    res.setHeader("Connection", "close");
  };
  server.on("request", (_req, res) => {
    inFlight.add(res);
    if (closing) closeHeader(res);
    res.on("close", () => {
      inFlight.delete(res);
      // The socket of a response that went out before it could say so is now idle: close it.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  // A client that never finishes its headers or body is dropped, closing or not.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  return {
    close(deadlineMs) {
      closing = true;
      for (const res of inFlight) closeHeader(res);
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
