/**
 * « Réservations à traiter » (Sennecey, ALSH under review): a parent's pending days are
 * listed by dossier, accepted or refused with a reason, one dossier or a selection at once,
 * all or nothing; every decision e-mails the family; parents and other towns see nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import {
  booking,
  type Family,
  family,
  mailAbout,
  parentBooks,
  parentCancels,
  periodOf,
  taken,
} from "./planning-review-fixture.ts";

const HOST = "senneceylesdijon.localhost:3000";
const NOW = new Date("2027-03-01T08:00:00Z");
let p: TestPlatform;
let mairie: Family;
let period: { id: string; service_id: string };
let staff: ReturnType<typeof client>;
let ip = 0;

beforeAll(async () => {
  p = await createTestPlatform();
  mairie = await family(p, "senneceylesdijon", "1001");
  period = await periodOf(p, mairie, "bambinos-printemps-2027");
  staff = client(p.app, HOST, { ip: `192.0.2.${++ip}` });
  expect((await staff.login("admin@senneceylesdijon.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
}, 120_000);
afterAll(() => p?.close());

const books = (days: string[]) => parentBooks(p, mairie, period.id, ["Enfant 1"], days, NOW);
const decide = (pairs: [string, string][]) => staff.post("/agents/planning/demandes", pairs);
const ids = (field: string, list: string[]) => list.map((id): [string, string] => [field, id]);

describe("staff review of bookings", () => {
  it("is for staff only: a parent gets 403, nobody signed in goes to the staff login", async () => {
    const parent = client(p.app, HOST, { ip: `192.0.2.${++ip}` });
    expect((await parent.login(mairie.email, DEMO_PASSWORD)).status).toBe(303);
    for (const path of ["/agents/planning/demandes", "/agents/planning/occupation"])
      expect((await parent.get(path)).status).toBe(403);
    expect((await parent.post("/agents/planning/demandes", { decision: "accepter" })).status).toBe(403);
    const anonymous = await client(p.app, HOST).get("/agents/planning/demandes");
    expect(anonymous.headers.get("location")).toBe("/agents/connexion");
  });

  it("lists a pending dossier with its family, child, service and days, then accepts it and e-mails", async () => {
    const d = await books(["2027-04-12", "2027-04-13"]);
    expect(d.rows.map((r) => r.status)).toEqual(["pending", "pending"]);
    const html = await (await staff.get("/agents/planning/demandes")).text();
    expect(html).toContain(`Demande de réservation n° ${d.number} – M. et Mme MAIRIE`);
    expect(html).toContain("ALSH SENNECEY LES DIJON › Vacances journée › vacances printemps bambinos");
    expect(html).toContain("lundi 12 avril 2027");
    expect(html).toContain("Référent : Parent référent");
    const home = await (await staff.get("/agents")).text();
    expect(home).toContain('href="/agents/planning/demandes"');

    const res = await decide([
      ["decision", "accepter"],
      ["origine", "x"],
      ...ids(
        "reservations",
        d.rows.map((r) => r.id),
      ),
    ]);
    expect(res.status).toBe(303);
    for (const r of d.rows) {
      const b = await booking(p, r.id);
      expect(b.status).toBe("accepted");
      expect(b.decided_by).not.toBeNull();
      expect(b.holds_place).toBe(true);
    }
    const mail = await mailAbout(p, mairie.email, "Votre réservation est acceptée");
    expect(mail.text).toContain("vacances printemps bambinos");
    expect(mail.text).toContain("- lundi 12 avril 2027");
    expect(mail.text).toContain("- mardi 13 avril 2027");
    expect(await (await staff.get(res.headers.get("location") as string)).text()).not.toContain(
      `n° ${d.number}`,
    );
  });

  it("refuses only with a reason (422 at the field, nothing changed), then frees the places", async () => {
    const d = await books(["2027-04-14"]);
    const id = d.rows[0]?.id as string;
    const bad = await decide([
      ["decision", "refuser"],
      ["origine", d.dossierId],
      ["motif", "  "],
      ["reservations", id],
    ]);
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toMatch(
      new RegExp(
        `id="motif-${d.dossierId}"[^>]*aria-invalid="true" aria-describedby="motif-${d.dossierId}-error"`,
      ),
    );
    expect(html).toContain("Indiquez le motif du refus");
    expect((await booking(p, id)).status).toBe("pending");
    expect(await taken(p, period.id, "2027-04-14")).toBe(1);

    const empty = await decide([
      ["decision", "accepter"],
      ["origine", "selection"],
    ]);
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Cochez au moins un jour avant de décider.");

    const ok = await decide([
      ["decision", "refuser"],
      ["origine", d.dossierId],
      ["motif", "Groupe complet"],
      ["reservations", id],
    ]);
    expect(ok.status).toBe(303);
    const b = await booking(p, id);
    expect([b.status, b.reason, b.holds_place]).toEqual(["refused", "Groupe complet", false]);
    expect(await taken(p, period.id, "2027-04-14")).toBe(0);
    const mail = await mailAbout(p, mairie.email, "Votre réservation est refusée");
    expect(mail.text).toContain("Motif : Groupe complet");
    expect(mail.text).toContain("- mercredi 14 avril 2027");
  });

  it("decides a selection of several dossiers at once, all or nothing", async () => {
    const a = await books(["2027-04-15"]);
    const b = await books(["2027-04-16"]);
    const done = await books(["2027-04-19"]);
    await decide([["decision", "accepter"], ...ids("reservations", [done.rows[0]?.id as string])]);
    const selection = [a.rows[0]?.id as string, b.rows[0]?.id as string];

    const mixed = await decide([
      ["decision", "refuser"],
      ["motif", "Fermeture exceptionnelle"],
      ...ids("reservations", [...selection, done.rows[0]?.id as string]),
    ]);
    expect(mixed.status).toBe(409);
    expect(await mixed.text()).toContain("a déjà été traitée");
    for (const id of selection) expect((await booking(p, id)).status).toBe("pending");
    expect((await booking(p, done.rows[0]?.id as string)).status).toBe("accepted");

    const noReason = await decide([
      ["decision", "refuser"],
      ["origine", "selection"],
      ...ids("reservations", selection),
    ]);
    expect(noReason.status).toBe(422);
    const html = await noReason.text();
    expect(html).toContain('id="motif-selection" name="motif" rows="2" maxlength="500" aria-invalid="true"');
    expect(html).toMatch(new RegExp(`id="choix-${selection[0]}"[^>]*checked`));

    const res = await decide([
      ["decision", "refuser"],
      ["origine", "selection"],
      ["motif", "Fermeture exceptionnelle"],
      ...ids("reservations", selection),
    ]);
    expect(res.status).toBe(303);
    for (const id of selection) expect((await booking(p, id)).status).toBe("refused");
    const mail = await mailAbout(p, mairie.email, "Votre réservation est refusée");
    expect(mail.text).toContain("Motif :");
  });

  it("accepts or refuses a cancellation request", async () => {
    const d = await books(["2027-04-20", "2027-04-21"]);
    await decide([
      ["decision", "accepter"],
      ...ids(
        "reservations",
        d.rows.map((r) => r.id),
      ),
    ]);
    const [keep, drop] = d.rows.map((r) => r.id) as [string, string];
    await parentCancels(p, mairie, [keep], new Date("2027-04-19T10:00:00Z"));
    await parentCancels(p, mairie, [drop], NOW);
    expect((await booking(p, keep)).late_cancel).toBe(true);
    expect((await booking(p, keep)).status).toBe("cancel_requested");
    const html = await (await staff.get("/agents/planning/demandes")).text();
    expect(html.match(/<h2 id="titre-[^"]+">Demande d&#39;annulation n°/g)?.length).toBe(2);
    expect(html).toContain("mardi 20 avril 2027 (annulation tardive : jour facturé)");

    const refused = await decide([
      ["decision", "refuser"],
      ["motif", "Délai dépassé"],
      ...ids("annulations", [keep]),
    ]);
    expect(refused.status).toBe(303);
    const k = await booking(p, keep);
    expect([k.status, k.reason, k.holds_place, k.late_cancel]).toEqual([
      "accepted",
      "Délai dépassé",
      true,
      false,
    ]);
    const no = await mailAbout(p, mairie.email, "Votre demande d'annulation est refusée");
    expect(no.text).toContain("Motif : Délai dépassé");

    expect(await taken(p, period.id, "2027-04-21")).toBe(1);
    expect((await decide([["decision", "accepter"], ...ids("annulations", [drop])])).status).toBe(303);
    expect((await booking(p, drop)).status).toBe("cancelled");
    expect(await taken(p, period.id, "2027-04-21")).toBe(0);
    const yes = await mailAbout(p, mairie.email, "Votre annulation est acceptée");
    expect(yes.text).toContain("- mercredi 21 avril 2027");
    const again = await decide([["decision", "accepter"], ...ids("annulations", [drop])]);
    expect(again.status).toBe(409);
  });

  it("filters by service and period", async () => {
    const d = await books(["2027-04-22"]);
    const other = await periodOf(p, mairie, "mercredis-2026-2027");
    const byPeriod = await (await staff.get(`/agents/planning/demandes?periode=${period.id}`)).text();
    expect(byPeriod).toContain(`n° ${d.number}`);
    const byService = await (await staff.get(`/agents/planning/demandes?service=${other.service_id}`)).text();
    expect(byService).not.toContain(`n° ${d.number}`);
    expect(byService).toContain("Aucune demande de réservation ou d'annulation en attente.");
  });

  it("shows nothing of the town to another town's staff (404 on its ids)", async () => {
    const d = await books(["2027-04-23"]);
    const sene = client(p.app, "sene.localhost:3000", { ip: `192.0.2.${++ip}` });
    expect((await sene.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect(await (await sene.get("/agents/planning/demandes")).text()).not.toContain("MAIRIE");
    const id = d.rows[0]?.id as string;
    const post = await sene.post("/agents/planning/demandes", [
      ["decision", "accepter"],
      ["reservations", id],
    ]);
    expect(post.status).toBe(404);
    expect((await booking(p, id)).status).toBe("pending");
    expect(
      (await sene.get(`/agents/planning/occupation/jour?periode=${period.id}&jour=2027-04-23`)).status,
    ).toBe(404);
    expect((await sene.get(`/agents/planning/occupation?service=${period.service_id}`)).status).toBe(404);
    const serve = await sene.post("/agents/planning/occupation/jour", {
      periode: period.id,
      jour: "2027-04-23",
    });
    expect(serve.status).toBe(404);
  });
});
