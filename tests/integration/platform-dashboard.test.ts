import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "../helpers/client.ts";
import { operatorClient } from "../helpers/operator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
let op: Awaited<ReturnType<typeof operatorClient>>;
beforeAll(async () => {
  p = await createTestPlatform();
  op = await operatorClient(p);
});
afterAll(async () => {
  await p?.close();
});

describe("the platform dashboard", () => {
  it("counts each town's activity and shows the platform's health, for operators only", async () => {
    const seneId = p.tenants.get("sene") as string;
    const households = (
      await p.owner.selectFrom("households").select("id").where("tenant_id", "=", seneId).execute()
    ).length;
    await p.owner
      .insertInto("outbox")
      .values({
        tenant_id: seneId,
        to_address: "x@sene.test",
        subject: "s",
        text_body: "t",
        html_body: "h",
        last_error: "refusé",
        attempts: 3,
        sent_at: null,
      })
      .execute();

    const res = await op.get("/tableau-de-bord?tri=households&ordre=desc");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('aria-sort="descending"');
    const row = html.match(/Ville de Séné<\/a><\/th>\s*<td>(\d+)<\/td>/);
    expect(Number(row?.[1])).toBe(households);
    expect(html).toMatch(/<strong>[1-9]\d*<\/strong> e-mails en erreur/);
    expect(html).toMatch(/<strong>[\d,]+ Mo<\/strong> de base de données/);

    const anonymous = await client(p.app, "admin.localhost:3000").get("/tableau-de-bord");
    expect(anonymous.status).toBe(303);
  });

  it("sorts by any column and exports the same table as CSV", async () => {
    const asc = await (await op.get("/tableau-de-bord?tri=name&ordre=asc")).text();
    const order = [...asc.matchAll(/<th scope="row"><a href="\/communes\/[^"]+">([^<]+)<\/a>/g)].map(
      (m) => m[1],
    );
    expect(order).toEqual([...order].sort((a, b) => (a ?? "").localeCompare(b ?? "", "fr")));
    const csv = await op.get("/tableau-de-bord.csv?tri=name&ordre=asc");
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text())
      .replace(/^\ufeff/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      '"Commune";"Foyers";"Comptes actifs (30 j)";"Réservations du mois";"Factures émises du mois";"Paiements en ligne du mois";"Paiements au guichet du mois";"Paiements PayFiP échoués du mois";"Documents à valider"',
    );
    expect(lines.slice(1).map((l) => l.split(";")[0]?.replace(/"/g, ""))).toEqual(order);
  });
});
