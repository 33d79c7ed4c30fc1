import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { bookDays, type Family, family } from "./planning-calendar-setup.ts";

let p: TestPlatform;
let sene: Family;
const JAN_4 = new Date("2027-01-04T08:00:00Z");

beforeAll(async () => {
  p = await createTestPlatform();
  sene = await family(p, "sene", "1001", "lola.test@sene.test");
}, 120_000);
afterAll(() => p?.close());

describe("« Historique des réservations »", () => {
  it("lists booking and cancellation dossiers, newest first, with their states and days", async () => {
    const [paul, emma] = sene.children.map((c) => c.id) as [string, string];
    const first = await bookDays(
      p,
      sene,
      "restauration-2026-2027",
      [paul],
      ["2027-01-07", "2027-01-08"],
      JAN_4,
    );
    await p.owner
      .updateTable("booking_dossiers")
      .set({ created_at: new Date("2026-04-25T09:18:00Z") })
      .where("id", "=", first.dossierId)
      .execute();
    const second = await bookDays(
      p,
      sene,
      "mercredi-pompidou-2026-2027",
      [paul, emma],
      ["2027-01-13", "2027-01-20", "2027-01-27", "2027-02-03"],
      JAN_4,
    );
    p.setNow(JAN_4);
    const cancelled = first.rows[0]?.id as string;
    const page = await (await sene.web.get(`/planning/annuler?reservation=${cancelled}`)).text();
    const cle = page.match(/name="cle" value="([0-9a-f-]+)"/)?.[1] as string;
    expect((await sene.web.post(`/planning/annuler?reservation=${cancelled}`, { cle })).status).toBe(303);

    const html = await (await sene.web.get("/planning/historique")).text();
    const numbers = [
      ...html.matchAll(/<td>(\d+)(?: <span class="state-note">\((\w+)\)<\/span>)?<\/td>/g),
    ].map((m) => m[1]);
    expect(numbers).toHaveLength(3);
    expect(numbers[2]).toBe(first.number);
    expect(numbers.slice(0, 2)).toContain(second.number);
    expect(html).toContain("(Annulation)");
    expect(html).toContain("25/04/2026 à 11:18");
    expect(html).toContain("RESTAURANT SCOLAIRE › RESTAURATION SCOLAIRE › RESTAURATION SCOLAIRE 2026-2027");
    expect(html).toContain("07/01/2027, 08/01/2027");
    expect(html).toContain("13/01/2027 – 03/02/2027 (4 jours)");
    expect(html).toContain("Acceptée (8)");
    expect(html).toContain("Acceptée (1), Annulée (1)");

    const filtered = await (await sene.web.get("/planning/historique?etat=cancelled")).text();
    expect(filtered).not.toContain(`<td>${second.number}</td>`);
    expect(filtered).toContain(`<td>${first.number}</td>`);

    const detail = await (await sene.web.get(`/planning/dossiers/${second.dossierId}`)).text();
    expect(detail.match(/<tr><td>/g)).toHaveLength(8);
    expect(detail).toContain("mercredi 3 février 2027");
    expect((await sene.web.get(`/planning/dossiers/${crypto.randomUUID()}`)).status).toBe(404);
  });
});
