import nodemailer from "nodemailer";

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per outbox row: a copy sent again after a crash is recognisable as the same message. */
  messageId?: string;
}

export type SendMail = (mail: OutgoingMail) => Promise<void>;

/** SMTP through nodemailer (SMTP_URL, e.g. smtp://127.0.0.1:2525). */
export function smtpTransport(url: string): SendMail {
  // Bounded, so that a stuck SMTP server never holds a job past its stale-lock delay.
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return async (mail) => {
    await transporter.sendMail(mail);
  };
}
