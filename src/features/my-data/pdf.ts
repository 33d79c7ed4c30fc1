import { parisDateTime } from "../../lib/dates.ts";
import { drawBrand, type PdfBrand } from "../../lib/pdf-brand.ts";
import { type Doc, openDocument } from "../../lib/pdf-document.ts";
import { HEALTH_FIELDS } from "../children/service.ts";

type Rows = Record<string, unknown>[];

/** The readable sections, in the order a family thinks of them; the JSON file holds the rest. */
const SECTIONS: [table: string, title: string][] = [
  ["households", "Foyer"],
  ["users", "Comptes"],
  ["guardians", "Responsables"],
  ["children", "Enfants"],
  ["health_records", "Renseignements médicaux"],
  ["authorised_persons", "Personnes autorisées"],
  ["child_consents", "Autorisations"],
  ["documents", "Documents"],
  ["enrolments", "Inscriptions"],
  ["bookings", "Réservations"],
  ["absences", "Absences"],
  ["invoices", "Factures"],
  ["payments", "Paiements"],
  ["change_requests", "Demandes de modification"],
  ["message_threads", "Conversations"],
  ["messages", "Messages"],
  ["health_access_log", "Consultations de la fiche sanitaire"],
  ["closure_requests", "Demandes de fermeture du compte"],
];

// The health record as the child's file labels it; vaccinations and the two aids stay in the JSON file.
const { vaccinations: _v, glasses: _g, hearing_aid: _h, ...HEALTH_READ } = HEALTH_FIELDS;

/**
 * French labels of the columns worth reading; ids, codes (states, kinds) and bookkeeping stay in
 * the JSON file, which is the complete copy.
 */
const LABELS: Record<string, string> = {
  number: "N° Famille",
  name: "Nom",
  civility: "Civilité",
  last_name: "Nom",
  first_name: "Prénom",
  birth_date: "Date de naissance",
  relationship: "Lien",
  address_line: "Adresse",
  postal_code: "Code postal",
  city: "Commune",
  email: "Adresse e-mail",
  login: "Identifiant",
  phone: "Téléphone",
  phone_main: "Téléphone",
  phone_mobile: "Téléphone portable",
  phone_home: "Téléphone domicile",
  phone_work: "Téléphone professionnel",
  phone_other: "Autre téléphone",
  profession: "Profession",
  employer: "Employeur",
  caf_regime: "Régime",
  caf_number: "N° allocataire",
  family_quotient: "Quotient familial",
  school: "École",
  class_level: "Classe",
  ...HEALTH_READ,
  filename: "Fichier",
  day: "Jour",
  starts_on: "Du",
  ends_on: "Au",
  reason: "Motif",
  reason_label: "Motif",
  issued_on: "Émise le",
  due_on: "À payer avant le",
  total_cents: "Montant",
  amount_cents: "Montant",
  received_on: "Reçu le",
  subject: "Objet",
  body: "Message",
  viewer_name: "Consultée par",
  at: "Le",
  requested_at: "Demandée le",
  created_at: "Créé le",
};

function shown(column: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (value === true) return "Oui";
  if (value === false) return "Non";
  if (column.endsWith("_cents") && typeof value === "number")
    return `${(value / 100).toFixed(2).replace(".", ",")} €`;
  if (value instanceof Date) return parisDateTime(value);
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) return parisDateTime(new Date(value));
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return value.split("-").reverse().join("/");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function section(doc: Doc, title: string, rows: Rows) {
  if (doc.y > doc.page.height - doc.page.margins.bottom - 80) doc.addPage();
  doc.moveDown(0.8).font("Helvetica-Bold").fontSize(13).text(`${title} (${rows.length})`).moveDown(0.3);
  doc.font("Helvetica").fontSize(10);
  if (rows.length === 0) doc.text("Aucune donnée.");
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      const label = LABELS[column];
      if (!label) continue;
      doc.font("Helvetica-Bold").text(`${label} : `, { continued: true });
      doc.font("Helvetica").text(shown(column, value));
    }
    doc.moveDown(0.4);
  }
}

/** « Mes données » as a document a parent can read and keep (the JSON file is the complete copy). */
export function renderMyDataPdf(
  brand: PdfBrand,
  data: Record<string, Rows>,
  exportedAt: Date,
): Promise<Buffer> {
  const { doc, done } = openDocument({ title: `Mes données – ${brand.name}`, author: brand.name });
  drawBrand(doc, brand);
  doc.moveDown(0.5).font("Helvetica-Bold").fontSize(18).text("Mes données");
  doc
    .font("Helvetica")
    .fontSize(10)
    .text(`Tout ce que ${brand.name} conserve sur votre foyer, au ${parisDateTime(exportedAt)}.`);
  for (const [table, title] of SECTIONS) if (data[table]) section(doc, title, data[table]);
  const others = Object.keys(data).filter((t) => !SECTIONS.some(([s]) => s === t) && data[t]?.length);
  if (others.length) {
    const count = others.reduce((n, t) => n + (data[t]?.length ?? 0), 0);
    doc.moveDown(0.8).text(`Autres données : ${count} élément(s), détaillé(s) dans le fichier JSON.`);
  }
  doc.end();
  return done;
}
