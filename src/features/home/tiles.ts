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

const tile = (label: string, description: string, href: string, badge?: string): Tile => ({
  label,
  description,
  href,
  ready: true,
  ...(badge ? { badge } : {}),
});

const plural = (n: number, word: string, many = `${word}s`) => (n > 1 ? many : word);

/** The home page tiles of the seeds, in their order; inbox and requests list where the town uses them. */
export function tilesFor(cfg: TenantConfig, invoicesToPay = 0, unread = 0): Tile[] {
  const toPay = invoicesToPay ? `${invoicesToPay} ${plural(invoicesToPay, "facture")} à payer` : undefined;
  const news = unread
    ? `${unread} ${plural(unread, "nouveau", "nouveaux")} ${plural(unread, "message")}`
    : undefined;
  return [
    tile("Mon profil", "Accès à mes informations personnelles", "/profil"),
    tile("Mon foyer", "Accès aux informations de mon foyer", "/foyer"),
    tile("Mes enfants", "Accès aux informations enfant", "/enfants"),
    tile(
      "Mon planning",
      "Accès à mon planning de réservations",
      cfg.planning.view === "agenda" ? "/agenda" : "/planning",
    ),
    tile("Mes factures", "Accès à mes factures et règlements", "/factures", toPay),
    tile("Mes documents", "Accès à mes documents électroniques", "/documents"),
    tile("Infos / Documents", "Informations et formulaires de la commune", "/infos"),
    ...(cfg.portal.inbox
      ? [tile("Boîte de réception", "Mes échanges avec la commune", "/messages", news)]
      : []),
    ...(cfg.portal.requestsList
      ? [tile("Liste des demandes", "Mes demandes et leur suivi", "/demandes")]
      : []),
  ];
}
