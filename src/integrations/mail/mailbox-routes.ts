import { Hono } from "hono";
import { notFound } from "../../http/errors.ts";
import { page } from "../../http/render.ts";
import type { AppEnv } from "../../http/types.ts";
import type { Mailbox } from "./sink.ts";

/** http://mail.localhost:3000/ — what the platform sent, as sent (demo and tests only). */
export function mailboxRoutes(mailbox: Mailbox) {
  const app = new Hono<AppEnv>();
  app.get("/", (c) => page(c, "mailbox/index", { messages: mailbox.list() }));
  app.get("/messages/:id", (c) => {
    const message = mailbox.get(Number(c.req.param("id")));
    if (!message) throw notFound();
    const parts = message.text
      .split(/(https?:\/\/\S+)/)
      .map((part, i) => (i % 2 ? { link: part } : { text: part }));
    return page(c, "mailbox/show", { message, parts });
  });
  // The HTML part as a mail client shows it: its own inline styles and the town's logo, no script.
  app.get("/messages/:id/html", (c) => {
    const message = mailbox.get(Number(c.req.param("id")));
    if (!message?.html) throw notFound();
    c.header(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'unsafe-inline'; img-src http: https:",
    );
    return c.html(message.html);
  });
  return app;
}
