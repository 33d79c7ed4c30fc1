import { drawBrand, type PdfBrand } from "../../lib/pdf-brand.ts";
import { type Doc, openDocument } from "../../lib/pdf-document.ts";
import type { Values } from "../requests/service.ts";
import type { Vaccination } from "./schemas.ts";

/** What the « Fiche enfant » shows; the medical part only in the complete sheet. */
export interface SheetData {
  brand: PdfBrand;
  child: {
    first_name: string;
    last_name: string;
    birth_date: string;
    sex: string | null;
    school: string | null;
    class_level: string | null;
  };
  /** The child's photo (JPEG), if any. */
  photo: Buffer | null;
  health: Values | null;
  vaccinations: Vaccination[];
  persons: {
    first_name: string;
    last_name: string;
    relationship: string | null;
    phone: string;
    phone_other: string | null;
    can_pick_up: boolean;
    emergency_contact: boolean;
    is_minor: boolean;
  }[];
  consents: { label: string; answer: string | null; answeredAt: Date | null }[];
}

const frDate = (iso: string) => iso.split("-").reverse().join("/");
const shown = (v: unknown) => (v === null || v === undefined || v === "" ? "–" : String(v));
const yesNo = (v: unknown) => (v === "oui" ? "Oui" : v === "non" ? "Non" : "–");
const parisDate = (d: Date) => d.toLocaleDateString("fr-FR", { timeZone: "Europe/Paris" });

function heading(doc: Doc, text: string) {
  doc.moveDown(0.8).font("Helvetica-Bold").fontSize(13).text(text).moveDown(0.3);
  doc.font("Helvetica").fontSize(10.5);
}

function line(doc: Doc, label: string, value: string) {
  doc.font("Helvetica-Bold").text(`${label} : `, { continued: true }).font("Helvetica").text(value);
}

function identity(doc: Doc, d: SheetData) {
  heading(doc, "Identité et scolarité");
  line(doc, "Date de naissance", frDate(d.child.birth_date));
  line(doc, "Sexe", d.child.sex === "F" ? "Féminin" : d.child.sex === "M" ? "Masculin" : "–");
  line(doc, "École", shown(d.child.school));
  line(doc, "Classe", shown(d.child.class_level));
}

function medical(doc: Doc, h: Values, vaccinations: Vaccination[]) {
  heading(doc, "Renseignements médicaux");
  line(doc, "Médecin traitant", `${shown(h.doctor_name)}${h.doctor_phone ? ` – ${h.doctor_phone}` : ""}`);
  const vaccines = vaccinations.map((v) => `${v.name} (${frDate(v.date)})`).join(", ");
  line(doc, "Vaccinations", vaccines || "–");
  line(doc, "Allergies alimentaires", shown(h.allergies_food));
  line(doc, "Allergies médicamenteuses", shown(h.allergies_medication));
  line(doc, "Autres allergies", shown(h.allergies_other));
  line(doc, "PAI", yesNo(h.pai));
  line(doc, "Régime alimentaire", shown(h.diet));
  line(doc, "Traitements", shown(h.treatments));
  line(doc, "Lunettes", yesNo(h.glasses));
  line(doc, "Appareil auditif", yesNo(h.hearing_aid));
  line(doc, "Remarques", shown(h.remarks));
}

function persons(doc: Doc, list: SheetData["persons"]) {
  heading(doc, "Personnes autorisées");
  if (list.length === 0) doc.text("Aucune personne autorisée.");
  for (const p of list) {
    const roles = [
      p.can_pick_up ? "peut venir chercher l'enfant" : "",
      p.emergency_contact ? "à appeler en cas d'urgence" : "",
      p.is_minor ? "mineur" : "",
    ].filter(Boolean);
    const phones = [p.phone, p.phone_other].filter(Boolean).join(", ");
    line(
      doc,
      `${p.first_name} ${p.last_name}`,
      `${shown(p.relationship)} – ${phones} – ${roles.join(", ") || "–"}`,
    );
  }
}

function consents(doc: Doc, list: SheetData["consents"]) {
  heading(doc, "Autorisations");
  for (const c of list)
    line(
      doc,
      c.label,
      c.answer ? `${yesNo(c.answer)} (le ${parisDate(c.answeredAt as Date)})` : "Sans réponse",
    );
}

/** The « Fiche enfant » as a PDF: simple (no medical data) or complete. */
export function renderSheet(d: SheetData): Promise<Buffer> {
  const { doc, done } = openDocument({
    title: `Fiche enfant – ${d.child.first_name} ${d.child.last_name}`,
    author: d.brand.name,
  });
  drawBrand(doc, d.brand);
  doc
    .moveDown(0.5)
    .font("Helvetica-Bold")
    .fontSize(18)
    .text(`Fiche enfant : ${d.child.first_name} ${d.child.last_name}`);
  doc
    .font("Helvetica")
    .fontSize(10)
    .text(`Éditée le ${parisDate(new Date())}`);
  if (d.photo) doc.moveDown(0.5).image(d.photo, { fit: [110, 110] });
  identity(doc, d);
  if (d.health) medical(doc, d.health, d.vaccinations);
  persons(doc, d.persons);
  consents(doc, d.consents);
  doc.end();
  return done;
}
