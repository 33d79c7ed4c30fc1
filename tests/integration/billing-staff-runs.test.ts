import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { book } from "../../src/features/planning/booking/booking-service.ts";
import { allPeriods } from "../../src/features/planning/offer/period-service.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { awaitRun, invoicingWrites, regieIdOf, staffOf, textOf } from "./billing-staff-fixture.ts";

// « Facturation du mois » through the pages: preview, issue once the month is over, never
// twice; then the invoices list and an invoice's page and PDF.

let p: TestPlatform;
let regieId: string;

beforeAll(async () => {
  p = await createTestPlatform();
  const householdId = await completeFile(p, "senneceylesdijon", "1001");
  await p.owner
    .updateTable("households")
    .set({ family_quotient: 800, postal_code: "21800" })
    .where("id", "=", householdId)
    .execute();
  const tenant = await townOf(p, "senneceylesdijon");
  const parent = await p.owner
    .selectFrom("users")
    .select("id")
    .where("household_id", "=", householdId)
    .executeTakeFirstOrThrow();
  const child = await p.owner
    .selectFrom("children")
    .select("id")
    .where("household_id", "=", householdId)
    .executeTakeFirstOrThrow();
  const ctx = { role: "app_parent" as const, tenantId: tenant.id, userId: parent.id, householdId };
  await p.db.withTenant(ctx, async (trx) => {
    const period = (await allPeriods(trx)).find((x) => x.key === "restauration-2026-2027");
    await book(
      trx,
      {
        tenant,
        actor: { kind: "parent", userId: parent.id },
        actorName: "Parent 1",
        householdId,
        now: new Date("2026-11-20T08:00:00Z"),
      },
      {
        periodId: period?.id as string,
        childIds: [child.id],
        days: ["2026-12-01", "2026-12-03", "2026-12-04"],
        idempotencyKey: crypto.randomUUID(),
      },
    );
  });
  const marks = {
    "2026-12-01": "present",
    "2026-12-03": "absent_excused",
    "2026-12-04": "absent_billed",
  } as const;
  for (const [day, attendance] of Object.entries(marks))
    await p.owner
      .updateTable("bookings")
      .set({ attendance })
      .where("child_id", "=", child.id)
      .where("day", "=", day)
      .execute();
  regieId = await regieIdOf(p, tenant.id, "restauration");
}, 120_000);
afterAll(() => p?.close());

const counts = () => invoicingWrites(p);

describe("« Facturation du mois »", () => {
  it("previews the month, refuses to issue before it ended, issues once and never twice", async () => {
    const staff = await staffOf(p, "senneceylesdijon");
    p.setNow(new Date("2026-12-20T10:00:00Z"));
    const blank = await staff.get("/agents/facturation");
    expect(blank.status).toBe(200);
    expect(await blank.text()).toContain('value="2026-11"');

    const preview = await textOf(await staff.get(`/agents/facturation?regie=${regieId}&mois=2026-12`));
    expect(preview).toContain("Aperçu – Régie restauration scolaire – décembre 2026");
    expect(preview).toContain("1 foyer 2 lignes 8,80 € au total");
    expect(preview).toContain("1001 M. et Mme MAIRIE 2 lignes");
    const empty = await counts();

    const confirmed = { regie: regieId, mois: "2026-12", factures: "1", total: "880", confirmer: "oui" };
    const early = await staff.post("/agents/facturation/emettre", confirmed);
    expect(early.status).toBe(422);
    expect(await textOf(early)).toContain("une fois le mois terminé. Rien n'a été modifié.");
    expect(await counts()).toEqual(empty);

    p.setNow(new Date("2027-01-05T09:00:00Z"));
    // Issuing cannot be undone: without the box ticked, the form comes back with its message.
    const unconfirmed = await staff.post("/agents/facturation/emettre", { ...confirmed, confirmer: "" });
    expect(unconfirmed.status).toBe(422);
    const asked = await unconfirmed.text();
    expect(asked).toContain('aria-describedby="f-confirmer-error"');
    expect(asked).toContain("Cochez la case pour confirmer l&#39;émission des factures.");
    expect(asked).toContain("Je confirme l'émission de 1 facture pour un total de 8,80");
    expect(await counts()).toEqual(empty);
    const issued = await awaitRun(staff, await staff.post("/agents/facturation/emettre", confirmed));
    expect(issued.status).toBe(303);
    const location = issued.headers.get("location") as string;
    expect(location).toBe(`/agents/facturation?regie=${regieId}&mois=2026-12&emises=1`);
    const after = await counts();
    expect(after).toMatchObject({ runs: 1, invoices: 1, lines: 2 });
    const page = await textOf(await staff.get(location));
    expect(page).toContain("1 facture émise et envoyée aux familles par e-mail.");
    // issued_at is the database's clock, not the app's fixed one.
    expect(page).toMatch(/Déjà émise pour cette régie : \d\d\/\d\d\/\d{4} \d\d:\d\d \(1 facture\)/);
    expect(page).toContain("Rien de plus à facturer en décembre 2026 pour cette régie.");
    expect(page).not.toContain("Émettre les factures");
    expect(page).toMatch(
      /décembre 2026 Régie restauration scolaire \d\d\/\d\d\/\d{4} \d\d:\d\d 1 2 8,80 € Claire ADMIN/,
    );

    const twice = await staff.post("/agents/facturation/emettre", confirmed);
    expect(twice.status).toBe(409);
    expect(await textOf(twice)).toContain(
      "Rien de plus à facturer en décembre 2026 pour cette régie. Rien n'a été modifié.",
    );
    expect(await counts()).toEqual(after);
  });

  it("answers 422 for an unknown régie or a malformed month", async () => {
    const staff = await staffOf(p, "senneceylesdijon");
    const bad = await staff.get("/agents/facturation?regie=x&mois=2026-13");
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('id="f-regie-error"');
    expect(html).toContain('id="f-mois-error"');
    const before = await counts();
    const post = await staff.post("/agents/facturation/emettre", {
      regie: crypto.randomUUID(),
      mois: "2027-01",
      confirmer: "oui",
    });
    expect(post.status).toBe(422);
    expect(await counts()).toEqual(before);
  });

  it("finds the invoice by household, N° Famille, number, régie and state, and shows it with its PDF", async () => {
    const staff = await staffOf(p, "senneceylesdijon");
    const list = (query: string) => staff.get(`/agents/facturation/factures?${query}`).then(textOf);
    for (const q of ["q=mairie", "q=1001", "q=RS-1", `regie=${regieId}`, "etat=to_pay"])
      expect(await list(q), q).toContain(
        "Facture RS-1 M. et Mme MAIRIE (1001) Régie restauration scolaire 05/01/2027 8,80 € 8,80 € À payer",
      );
    for (const q of ["q=dupont", "q=AL-1", "etat=paid", "etat=treasury"])
      expect(await list(q), q).toContain("Aucune facture");

    const invoice = await p.owner.selectFrom("invoices").select("id").executeTakeFirstOrThrow();
    const detail = await textOf(await staff.get(`/agents/facturation/factures/${invoice.id}`));
    expect(detail).toContain("Facture RS-1");
    expect(detail).toContain("État À payer");
    expect(detail).toContain("04/12/2026");
    expect(detail).not.toContain("Transmettre au Trésor");
    const pdf = await staff.get(`/agents/facturation/factures/${invoice.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toBe('inline; filename="RS-1.pdf"');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
  });

  it("shows a run's progress while the job issues it, with or without JavaScript, and why it failed", async () => {
    const staff = await staffOf(p, "senneceylesdijon");
    const admin = await p.owner
      .selectFrom("users")
      .select(["id", "tenant_id"])
      .where("email", "=", "admin@senneceylesdijon.test")
      .executeTakeFirstOrThrow();
    // A run the worker has not picked up: its row alone, as the job leaves it between steps.
    await sql`alter table invoicing_jobs disable trigger invoicing_jobs_enqueue`.execute(p.owner);
    const job = await p.owner
      .insertInto("invoicing_jobs")
      .values({
        tenant_id: admin.tenant_id as string,
        regie_id: regieId,
        month: "2027-01-01",
        requested_by: admin.id,
        invoice_count: 3,
        total_cents: 2640,
        state: "running",
        step: 2,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await sql`alter table invoicing_jobs enable trigger invoicing_jobs_enqueue`.execute(p.owner);
    const path = `/agents/facturation/emissions/${job.id}`;
    const running = await staff.get(path);
    expect(running.status).toBe(200);
    const html = await running.text();
    expect(html).toContain(`hx-get="${path}/etat" hx-trigger="every 1s"`);
    expect(html).toContain(`<a href="${path}">actualisez-la</a>`);
    const text = await textOf(new Response(html));
    expect(text).toContain("Régie restauration scolaire – janvier 2027 : 3 factures demandées.");
    expect(text).toContain("Émission en cours : étape 3 sur 5.");
    expect(text).toContain("Numérotation des factures – fait Enregistrement des lignes – en cours");
    expect(text).toContain("Vous pouvez quitter cette page : l'émission continue.");
    const fragment = await staff.get(`${path}/etat`);
    expect(await textOf(fragment)).toContain("Émission en cours : étape 3 sur 5.");

    await p.owner
      .updateTable("invoicing_jobs")
      .set({
        state: "failed",
        problem: "Les montants ont changé depuis l'aperçu : vérifiez-les puis confirmez de nouveau.",
      })
      .where("id", "=", job.id)
      .execute();
    const failed = await textOf(await staff.get(path));
    expect(failed).toContain(
      "Les montants ont changé depuis l'aperçu : vérifiez-les puis confirmez de nouveau. Rien n'a été émis.",
    );
    expect(failed).toContain("Revenir à l'aperçu de janvier 2027");
    expect(failed).not.toContain("every 1s");

    await p.owner
      .updateTable("invoicing_jobs")
      .set({ state: "done", issued: 3 })
      .where("id", "=", job.id)
      .execute();
    const result = `/agents/facturation?regie=${regieId}&mois=2027-01&emises=3`;
    expect((await staff.get(path)).headers.get("location")).toBe(result);
    const polled = await staff.get(`${path}/etat`);
    expect(polled.headers.get("hx-redirect")).toBe(result);
    expect((await staff.get(`/agents/facturation/emissions/${crypto.randomUUID()}`)).status).toBe(404);
  });
});
