import { type ChildProcess, fork } from "node:child_process";
import { request } from "node:http";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const benchDir = path.dirname(fileURLToPath(import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Child<T> {
  process: ChildProcess;
  /** The first JSON line the child prints on stdout. */
  message: Promise<T>;
  /** Resolves when the child has exited (with its exit code, or -1 when killed by a signal). */
  exited: Promise<number>;
  stop(): Promise<number>;
}

/** Runs bench/<script> in its own Node process (TypeScript through tsx); it answers with one JSON line. */
export function forkScript<T>(script: string, args: string[]): Child<T> {
  const child = fork(path.join(benchDir, script), args, {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "inherit", "ipc"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  const exited = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
  const message = new Promise<T>((resolve, reject) => {
    let buffer = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf("\n");
      if (nl >= 0) {
        try {
          resolve(JSON.parse(buffer.slice(0, nl)) as T);
        } catch (e) {
          reject(new Error(`${script}: not JSON: ${buffer.slice(0, 200)} (${String(e)})`));
        }
      }
    });
    exited.then((code) => reject(new Error(`${script} exited (${code}) without an answer`)));
  });
  message.catch(() => {});
  return {
    process: child,
    message,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body's bytes as sent (options.raw), e.g. still compressed. */
  raw?: Buffer;
}

/** One plain HTTP request with the given Host header (fetch will not let us set it). */
export function httpRequest(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string; raw?: boolean },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path ?? "/",
        headers: {
          ...options.headers,
          ...(options.body ? { "content-length": String(Buffer.byteLength(options.body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const answer = { status: res.statusCode ?? 0, headers: res.headers, body: raw.toString("utf8") };
          resolve(options.raw ? { ...answer, raw } : answer);
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
