import { sql } from "kysely";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, seedDemo } from "../../src/demo/seed.ts";
import {
  type RunningSimulator,
  startPayfipSimulator,
} from "../../src/integrations/payfip/simulator/server.ts";
import { client } from "../helpers/client.ts";
import { LOGIN } from "../helpers/constants.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import { type Child, overHttp, spawnEntry, until } from "../helpers/processes.ts";

/**
 * Issue 9 items 4 and 5: the server killed for real (SIGKILL of a child process) while
 * « Valider et payer » waits for PayFiP, and while an e-mail is being sent; then restarted.
 */
let t: TestDatabase;
let sim: RunningSimulator;
let smtp: SMTPServer;
let smtpPort: number;
/** Message-IDs the SMTP server accepted; the first delivery of each can be held forever. */
const accepted: string[] = [];
let holdNext = false;
const SENE = (port: number) => `sene.localhost:${port}`;

beforeAll(async () => {
  t = await createTestDatabase();
  const rows = await t.owner.selectFrom("tenants").select(["id", "slug"]).execute();
  await seedDemo(t.db, new Map(rows.map((r) => [r.slug, r.id])));
  await completeFile(t, "sene", "1001");
  sim = await startPayfipSimulator({ port: 0 });
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, done) {
      let raw = "";
      stream.on("data", (d) => {
        raw += d.toString();
      });
      stream.on("end", () => {
        // A server that never answers the message: the sender is stuck until it dies.
        if (holdNext) return;
        accepted.push(raw.match(/^Message-ID: (.*)$/im)?.[1]?.trim() ?? "");
        done();
      });
    },
  });
  // The killed server resets its SMTP socket: expected here, not a failure of the test.
  smtp.on("error", () => undefined);
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
  smtpPort = (smtp.server.address() as { port: number }).port;
}, 240_000);

afterAll(async () => {
  for (const c of children) if (c.alive()) c.process.kill("SIGKILL");
  await sim?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  await t?.close();
});

const children: Child[] = [];

function server(): Child {
  const child = spawnEntry("src/server.ts", {
    NODE_ENV: "test",
    DEMO: "false",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    DATABASE_URL: t.ownerUrl,
    APP_DB_USER: LOGIN.user,
    APP_DB_PASSWORD: LOGIN.password,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    PAYFIP_URL: sim.url,
    JOB_STALE_AFTER_MS: "2000",
  });
  children.push(child);
  return child;
}

async function killed(child: Child) {
  child.process.kill("SIGKILL");
  await child.exited;
}

async function lolaOn(port: number) {
  const lola = client(overHttp(port) as never, SENE(port));
  expect((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
  return lola;
}

const attempts = (basketId: string) =>
  t.owner
    .selectFrom("payment_attempts")
    .select(["state", "idop"])
    .where("basket_id", "=", basketId)
    .orderBy("created_at")
    .execute();

describe("crashes", () => {
  it("killed during « Valider et payer »: the stranded attempt is closed on the next try, the basket paid once, no day lost", async () => {
    let child = server();
    let lola = await lolaOn(await child.port());
    const period = await t.owner
      .selectFrom("periods")
      .select("id")
      .where("key", "=", "mercredi-pompidou-2026-2027")
      .executeTakeFirstOrThrow();
    const paul = await t.owner
      .selectFrom("children")
      .select("id")
      .where("first_name", "=", "Paul")
      .executeTakeFirstOrThrow();
    const booked = await lola.post("/planning/reserver/valider", [
      ["periode", period.id],
      ["enfants", paul.id],
      ["jours", "2027-01-13"],
      ["cle", crypto.randomUUID()],
    ]);
    expect(booked.status).toBe(303);
    const basket = await t.owner.selectFrom("baskets").select(["id", "expires_at"]).executeTakeFirstOrThrow();

    sim.control.injectFault("creerPaiementSecurise", { kind: "hang", ms: 60_000 }, 1);
    const paying = lola.post("/panier/payer", { panier: basket.id }).catch(() => null);
    await until(async () => (await attempts(basket.id)).length === 1);
    // Killed only once PayFiP holds the create call (a loaded machine may be slower to send it).
    await until(async () => sim.control.calls().some((c) => c.operation === "creerPaiementSecurise"));
    await killed(child);
    expect(await paying).toBeNull();
    expect(await attempts(basket.id)).toEqual([{ state: "created", idop: null }]);

    child = server();
    lola = await lolaOn(await child.port());
    // Until the create call is known to be dead, the basket says a payment is under way (409).
    let res = new Response(null, { status: 409 });
    await until(async () => {
      res = await lola.post("/panier/payer", { panier: basket.id });
      return res.status !== 409;
    }, 500);
    expect(res.status).toBe(303);
    const idOp = new URL(res.headers.get("location") as string).searchParams.get("idop") as string;
    expect(await attempts(basket.id)).toEqual([
      { state: "error", idop: null },
      { state: "pending", idop: idOp },
    ]);
    const after = await t.owner
      .selectFrom("baskets")
      .selectAll()
      .where("id", "=", basket.id)
      .executeTakeFirstOrThrow();
    expect(after.state).toBe("paying");
    expect(after.expires_at.getTime()).toBeGreaterThan(basket.expires_at.getTime());

    await sim.control.complete(idOp, "P");
    expect((await lola.get(`/paiement/retour?idop=${idOp}`)).status).toBe(200);
    const paid = await t.owner
      .selectFrom("baskets")
      .selectAll()
      .where("id", "=", basket.id)
      .executeTakeFirstOrThrow();
    expect(paid.state).toBe("paid");
    const payments = await t.owner.selectFrom("payments").select("amount_cents").execute();
    expect(payments).toHaveLength(1);
    const day = await t.owner
      .selectFrom("bookings")
      .select("status")
      .where("basket_id", "=", basket.id)
      .executeTakeFirstOrThrow();
    expect(day.status).not.toBe("expired");
    child.process.kill("SIGTERM");
    await child.exited;
  }, 240_000);

  it("killed while sending an e-mail: the job runs again within seconds after a restart, and the e-mail goes once", async () => {
    let child = server();
    const port = await child.port();
    holdNext = true;
    const visitor = client(overHttp(port) as never, SENE(port));
    accepted.length = 0;
    expect((await visitor.post("/mot-de-passe-oublie", { identifier: "lola.test@sene.test" })).status).toBe(
      200,
    );
    const outbox = await t.owner
      .selectFrom("outbox")
      .select(["id"])
      .where("to_address", "=", "lola.test@sene.test")
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    // The worker has the job locked and is stuck in the SMTP exchange.
    await until(async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from graphile_worker.jobs
        where task_identifier = 'send_mail' and locked_by is not null`.execute(t.owner);
      return (rows[0]?.n ?? 0) > 0;
    }, 100);
    await killed(child);
    holdNext = false;
    expect(accepted).not.toContain(`<outbox-${outbox.id}@parvis.invalid>`);

    child = server();
    await child.port();
    const waited = await until(async () => {
      const row = await t.owner
        .selectFrom("outbox")
        .select("sent_at")
        .where("id", "=", outbox.id)
        .executeTakeFirstOrThrow();
      return row.sent_at !== null;
    }, 200);
    console.info(`crashed e-mail job sent ${waited} ms after the worker was back`);
    expect(accepted.filter((m) => m === `<outbox-${outbox.id}@parvis.invalid>`)).toHaveLength(1);
    child.process.kill("SIGTERM");
    await child.exited;
  }, 240_000);
});
