import pino from "pino";

export type Logger = pino.Logger;

/** Structured logs; credentials, tokens, cookies and bank or health data are never written. */
export function createLogger(level: string, pretty: boolean): Logger {
  return pino({
    level,
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        "req.headers.cookie",
        "headers.cookie",
        "iban",
        "*.iban",
      ],
      censor: "[masqué]",
    },
    ...(pretty ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  });
}
