import { describe, expect, it } from "vitest";
import { tilesFor } from "../../src/features/home/tiles.ts";
import { tenantConfigSchema } from "../../src/tenancy/config-schema.ts";

const base = {
  slug: "essai",
  name: "Commune d'essai",
  shortName: "Essai",
  branding: { logo: "essai.svg", primary: "#00587a" },
  contact: { service: "Enfance", phone: "01 02 03 04 05", email: "enfance@essai.test", address: "Mairie" },
  website: "https://essai.example.org",
  holidayZone: "A",
  auth: { loginWith: "email", accountOpening: "activation_link", passwordPolicy: { minLength: 12 } },
};

describe("the « Boîte de réception » tile", () => {
  it("leads to the inbox and shows the unread count in a town that has one", () => {
    const cfg = tenantConfigSchema.parse({ ...base, portal: { inbox: true } });
    const tile = (unread: number) => tilesFor(cfg, 0, unread).find((t) => t.label === "Boîte de réception");
    expect(tile(0)).toMatchObject({ href: "/messages", ready: true });
    expect(tile(0)?.badge).toBeUndefined();
    expect(tile(1)?.badge).toBe("1 nouveau message");
    expect(tile(3)?.badge).toBe("3 nouveaux messages");
    expect(cfg.portal).toMatchObject({
      layout: "tuiles",
      messageServices: ["Accueil", "Restauration scolaire", "ALSH", "Facturation"],
    });
  });

  it("is absent where the town has no inbox; « Infos / Documents » is always there", () => {
    const cfg = tenantConfigSchema.parse(base);
    expect(tilesFor(cfg, 0, 2).some((t) => t.href === "/messages")).toBe(false);
    expect(tilesFor(cfg).find((t) => t.href === "/infos")).toMatchObject({
      label: "Infos / Documents",
      ready: true,
    });
  });
});
