import type { AddressInfo } from "node:net";
import PostalMime from "postal-mime";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  id: number;
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  receivedAt: Date;
}

export interface Mailbox {
  smtpUrl: string;
  list(): ReceivedMail[];
  get(id: number): ReceivedMail | undefined;
  /** The newest message to `to` received after `since` (tests wait for the relay). */
  waitFor(to: string, options?: { since?: number; timeoutMs?: number }): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const KEEP = 500;

/** One received message as the mailbox keeps it. */
async function readMessage(raw: Buffer, id: number): Promise<ReceivedMail> {
  const m = await PostalMime.parse(raw);
  return {
    id,
    to: (m.to ?? []).map((a) => a.address ?? "").filter(Boolean),
    from: m.from?.address ?? "",
    subject: m.subject ?? "",
    text: m.text ?? "",
    html: m.html ?? "",
    receivedAt: new Date(),
  };
}

function waitForMail(messages: ReceivedMail[]): Mailbox["waitFor"] {
  return async (to, { since = 0, timeoutMs = 10_000 } = {}) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = messages.find((m) => m.id > since && m.to.includes(to.toLowerCase()));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
}

/** A local SMTP sink for the demo and the tests: keeps what the platform really sent. */
export async function startMailSink(port = 0): Promise<Mailbox> {
  const messages: ReceivedMail[] = [];
  let next = 1;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        readMessage(Buffer.concat(chunks), next++)
          .then((mail) => {
            messages.unshift(mail);
            messages.length = Math.min(messages.length, KEEP);
            callback();
          })
          .catch((e: Error) => callback(e));
      });
    },
  });
  // A sender that dies mid-exchange resets its socket: that is the sender's failure, not the
  // sink's, and without a listener the 'error' event would take the whole process down.
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.server.address() as AddressInfo;
  return {
    smtpUrl: `smtp://127.0.0.1:${address.port}`,
    list: () => [...messages],
    get: (id) => messages.find((m) => m.id === id),
    waitFor: waitForMail(messages),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The id of the newest message, to wait for the next ones. */
export function lastId(mailbox: Mailbox): number {
  return mailbox.list()[0]?.id ?? 0;
}
