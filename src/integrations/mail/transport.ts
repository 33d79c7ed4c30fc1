import nodemailer from "nodemailer";

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type SendMail = (mail: OutgoingMail) => Promise<void>;

/** SMTP through nodemailer (SMTP_URL, e.g. smtp://127.0.0.1:2525). */
export function smtpTransport(url: string): SendMail {
  const transporter = nodemailer.createTransport(url);
  return async (mail) => {
    await transporter.sendMail(mail);
  };
}
