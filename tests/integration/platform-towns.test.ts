import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Database } from "../../src/db/database.ts";
import { createSiteResolver, RESOLVED_TTL_MS } from "../../src/tenancy/resolve.ts";
import { DEMO_LOGO, demoTownFields, operatorClient } from "../helpers/operator.ts";
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

const get = (app: ReturnType<typeof createApp>, host: string, path = "/") =>
  app.request(`http://127.0.0.1${path}`, { headers: { Host: host }, redirect: "manual" });
const svg = (text: string) => new File([text], "logo.svg", { type: "image/svg+xml" });
const townCount = async () => (await p.owner.selectFrom("tenants").select("id").execute()).length;

describe("an operator creates a town from the console", () => {
  it("answers at once on its subdomain with its name, logo and colours, and is audited", async () => {
    expect((await get(p.app, "demo.localhost:3000")).status).toBe(404);
    const res = await op.upload("/communes/nouvelle", demoTownFields(), { logo: svg(DEMO_LOGO) });
    expect(res.status).toBe(303);
    const id = res.headers.get("location")?.match(/\/communes\/([0-9a-f-]{36})\?message=commune-creee$/)?.[1];
    expect(id).toBeTruthy();

    const home = await get(p.app, "demo.localhost:3000");
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain("Ville de Démo");
    expect(html).toContain("01 23 45 67 89");
    expect(html).toContain('href="https://www.demo.test/menus"');
    expect(await (await get(p.app, "demo.localhost:3000", "/theme.css")).text()).toContain("#6b2d5c");
    const logo = await get(p.app, "demo.localhost:3000", "/logo.svg");
    expect(await logo.text()).toContain("DÉMO");

    const audit = await p.owner
      .selectFrom("platform_audit")
      .select(["event", "detail"])
      .where("target_tenant_id", "=", id as string)
      .execute();
    expect(audit).toEqual([{ event: "town_created", detail: "demo" }]);
    const edit = await (await op.get(res.headers.get("location") as string)).text();
    expect(edit).toContain("La commune est créée");
    expect(edit).toContain('value="Ville de Démo"');
  });

  it.each([
    [{ slug: "sene" }, "slug", "déjà pris par une autre commune"],
    [{ slug: "Démo!" }, "slug", "lettres minuscules sans accent"],
    [{ slug: "admin" }, "slug", "réservé"],
    [{ slug: "demo2", hostnames: "sene.localhost" }, "hostnames", "déjà utilisé par Ville de Séné"],
    [{ slug: "demo2", primary: "#ffcc00" }, "primary", "Contraste sur fond blanc insuffisant"],
    [{ slug: "demo2", on_primary: "#777777" }, "on_primary", "Contraste du texte sur la couleur insuffisant"],
    [{ slug: "demo2", password_min_length: "6" }, "password_min_length", "minimum de la plateforme"],
    [{ slug: "demo2", website: "pas une adresse" }, "website", "https://"],
    [{ slug: "demo2", links: "Menus sans adresse" }, "links", "Libellé | https://"],
  ])("refuses %o with a French message at the field, creating nothing", async (override, field, message) => {
    const before = await townCount();
    const res = await op.upload("/communes/nouvelle", demoTownFields(override), { logo: svg(DEMO_LOGO) });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(new RegExp(`id="f-${field}-error">[^<]*${message.replace(/[|()]/g, "\\$&")}`));
    expect(html).toContain(`aria-invalid="true"`);
    expect(html).toContain(`value="${override.slug}"`);
    expect(await townCount()).toBe(before);
  });

  it("refuses a logo with a script, keeping what was typed", async () => {
    const before = await townCount();
    const bad = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const res = await op.upload("/communes/nouvelle", demoTownFields({ slug: "demo3" }), { logo: svg(bad) });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/id="f-logo-error">Le logo est refusé : il contient l&#39;élément &lt;script&gt;/);
    expect(html).toContain('value="demo3"');
    expect(await townCount()).toBe(before);
  });

  it("shows the RGAA contrast of the colours live", async () => {
    const ok = await (await op.get("/contraste?primary=%23004a80&on_primary=%23ffffff")).text();
    expect(ok).toContain("Contraste suffisant");
    const bad = await (await op.get("/contraste?primary=%23ffcc00&on_primary=%23ffffff")).text();
    expect(bad).toContain("Contraste insuffisant");
    expect(bad).toMatch(/couleur sur fond blanc : <strong>1,\d\d:1/);
  });
});

describe("editing, closing and archiving a town", () => {
  it("applies an edit at once, never changes the slug, and keeps the logo unless a new one is sent", async () => {
    const id = p.tenants.get("plombieres") as string;
    const res = await op.upload(`/communes/${id}`, {
      ...demoTownFields({ slug: "autre", name: "Plombières-lès-Dijon (modifié)", primary: "#0b5a2a" }),
    });
    expect(res.status).toBe(303);
    const html = await (await get(p.app, "plombieres.localhost:3000")).text();
    expect(html).toContain("Plombières-lès-Dijon (modifié)");
    const row = await p.owner
      .selectFrom("tenants")
      .select(["slug", "logo_svg", "config"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.slug).toBe("plombieres");
    expect(row.logo_svg).toContain("svg");
    const cfg = row.config as { slug: string; billing: { regies: unknown[] } };
    expect(cfg.slug).toBe("plombieres");
    // What the form does not show (régies, offer…) is kept.
    expect(cfg.billing.regies.length).toBeGreaterThan(0);
  });

  it("closes a portal only when the town's name is typed", async () => {
    const id = p.tenants.get("senneceylesdijon") as string;
    const confirm = await (await op.get(`/communes/${id}/suspendre`)).text();
    expect(confirm).toContain("tapez le nom de la commune : Ville de Sennecey-lès-Dijon");
    const wrong = await op.post(`/communes/${id}/suspendre`, { nom: "Sennecey" });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('id="f-nom-error"');
    expect((await get(p.app, "senneceylesdijon.localhost:3000")).status).toBe(200);
    const right = await op.post(`/communes/${id}/suspendre`, { nom: "ville de sennecey-lès-dijon" });
    expect(right.status).toBe(303);
    expect((await get(p.app, "senneceylesdijon.localhost:3000")).status).toBe(503);
    expect((await op.post(`/communes/${id}/reactiver`)).status).toBe(303);
    expect((await get(p.app, "senneceylesdijon.localhost:3000")).status).toBe(200);
  });

  it("archives a town: its hosts answer like an unknown host", async () => {
    const res = await op.upload(
      "/communes/nouvelle",
      demoTownFields({ slug: "archivee", name: "Ville Archivée" }),
      {
        logo: svg(DEMO_LOGO),
      },
    );
    const id = res.headers.get("location")?.split("/")[2]?.split("?")[0] as string;
    expect((await get(p.app, "archivee.localhost:3000")).status).toBe(200);
    expect((await op.post(`/communes/${id}/archiver`, { nom: "Ville Archivée" })).status).toBe(303);
    expect((await get(p.app, "archivee.localhost:3000")).status).toBe(404);
    expect(await (await op.get("/")).text()).toContain("Archivée");
  });
});

describe("two server processes on one database", () => {
  it("see a town created or changed on the other at once (LISTEN/NOTIFY), without restart", async () => {
    const sites = createSiteResolver(p.db, p.deps.env.PLATFORM_DOMAIN, true, p.loginUrl);
    await sites.ready;
    const other = createApp({ ...p.deps, sites });
    try {
      // Warm the other process's cache with the answers before the change.
      expect((await get(other, "autre-proc.localhost:3000")).status).toBe(404);
      expect(await (await get(other, "sene.localhost:3000")).text()).toContain("Ville de Séné");

      const res = await op.upload(
        "/communes/nouvelle",
        demoTownFields({ slug: "autre-proc", name: "Ville Voisine" }),
        {
          logo: svg(DEMO_LOGO),
        },
      );
      expect(res.status).toBe(303);
      const seneId = p.tenants.get("sene") as string;
      const seneEdit = await op.upload(
        `/communes/${seneId}`,
        demoTownFields({ name: "Ville de Séné (nouveau nom)" }),
      );
      expect(seneEdit.status).toBe(303);

      await vi.waitFor(async () => expect((await get(other, "autre-proc.localhost:3000")).status).toBe(200));
      await vi.waitFor(async () =>
        expect(await (await get(other, "sene.localhost:3000")).text()).toContain(
          "Ville de Séné (nouveau nom)",
        ),
      );
    } finally {
      await sites.close();
    }
  });
});

describe("a resolved town is kept per process", () => {
  const counting = () => {
    const asked: string[] = [];
    const db: Database = {
      ...p.db,
      resolveHost: (slug, host) => {
        asked.push(host);
        return p.db.resolveHost(slug, host);
      },
    };
    return { db, asked };
  };
  const later = (ms: number) => {
    const now = Date.now();
    return vi.spyOn(Date, "now").mockReturnValue(now + ms);
  };

  it("listening for changes, for minutes: a town is not read again on every request of a large platform", async () => {
    const { db, asked } = counting();
    const sites = createSiteResolver(db, p.deps.env.PLATFORM_DOMAIN, false, p.loginUrl);
    await sites.ready;
    try {
      expect((await sites.resolve("sene.localhost:3000")).kind).toBe("tenant");
      const clock = later(RESOLVED_TTL_MS.alone * 6);
      try {
        expect((await sites.resolve("sene.localhost:3000")).kind).toBe("tenant");
        expect(asked).toEqual(["sene.localhost"]);
      } finally {
        clock.mockRestore();
      }
      const expired = later(RESOLVED_TTL_MS.listening + 1);
      try {
        await sites.resolve("sene.localhost:3000");
        expect(asked).toEqual(["sene.localhost", "sene.localhost"]);
      } finally {
        expired.mockRestore();
      }
    } finally {
      await sites.close();
    }
  });

  it("without a listener, only for seconds", async () => {
    const { db, asked } = counting();
    const sites = createSiteResolver(db, p.deps.env.PLATFORM_DOMAIN, false);
    await sites.resolve("sene.localhost:3000");
    const clock = later(RESOLVED_TTL_MS.alone + 1);
    try {
      await sites.resolve("sene.localhost:3000");
      expect(asked).toEqual(["sene.localhost", "sene.localhost"]);
    } finally {
      clock.mockRestore();
    }
  });
});
