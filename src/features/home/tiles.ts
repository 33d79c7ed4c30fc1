import type { TenantConfig } from "../../tenancy/config-schema.ts";

export interface Tile {
  label: string;
  description: string;
  href: string;
  /** False until the feature's issue lands: the tile is shown, but leads nowhere. */
  ready: boolean;
  /** A count shown on the tile (« 2 factures à payer »). */
  badge?: string;
}

/** The home page tiles of the seeds, in their order; inbox and requests list where the town uses them. */
export function tilesFor(cfg: TenantConfig, invoicesToPay = 0, unread = 0): Tile[] {
  const tiles: Tile[] = [
    {
      label: "Mon profil",
      description: "Accès à mes informations personnelles",
      href: "/profil",
      ready: true,
    },
    { label: "Mon foyer", description: "Accès aux informations de mon foyer", href: "/foyer", ready: true },
    { label: "Mes enfants", description: "Accès aux informations enfant", href: "/enfants", ready: true },
    {
      label: "Mon planning",
      description: "Accès à mon planning de réservations",
      href: cfg.planning.view === "agenda" ? "/agenda" : "/planning",
      ready: true,
    },
    {
      label: "Mes factures",
      description: "Accès à mes factures et règlements",
      href: "/factures",
      ready: true,
      ...(invoicesToPay ? { badge: `${invoicesToPay} facture${invoicesToPay > 1 ? "s" : ""} à payer` } : {}),
    },
    {
      label: "Mes documents",
      description: "Accès à mes documents électroniques",
      href: "/documents",
      ready: true,
    },
    {
      label: "Infos / Documents",
      description: "Informations et formulaires de la commune",
      href: "/infos",
      ready: true,
    },
  ];
  if (cfg.portal.inbox) {
    tiles.push({
      label: "Boîte de réception",
      description: "Mes échanges avec la commune",
      href: "/messages",
      ready: true,
      ...(unread
        ? { badge: `${unread} nouveau${unread > 1 ? "x" : ""} message${unread > 1 ? "s" : ""}` }
        : {}),
    });
  }
  if (cfg.portal.requestsList) {
    tiles.push({
      label: "Liste des demandes",
      description: "Mes demandes et leur suivi",
      href: "/demandes",
      ready: true,
    });
  }
  return tiles;
}
