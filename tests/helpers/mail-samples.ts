import { readdirSync } from "node:fs";
import { loadTenantFiles } from "../../src/tenancy/files.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";

/** Every e-mail template (layouts and partials, starting with « _ », left out). */
export const MAIL_TEMPLATES = readdirSync("templates/emails")
  .filter((f) => f.endsWith(".eta") && !f.startsWith("_"))
  .map((f) => f.replace(/\.eta$/, ""));

/** The towns of tenants/ as the mail code sees them (one made-up id: nothing is stored). */
export const MAIL_TOWNS: Tenant[] = loadTenantFiles().map((f) => ({
  id: "00000000-0000-4000-8000-000000000001",
  slug: f.config.slug,
  name: f.config.name,
  status: "active",
  config: f.config,
  logoSvg: f.logoSvg,
}));

/**
 * Realistic data for every e-mail template (accents, two children, several days, amounts):
 * what the services pass to queueMail / notifyHousehold. A template added without a sample
 * here fails tests/unit/mail-templates.test.ts until it gets one.
 */
const name = "Hélène LEFÈVRE-D'ARCY";
const twoChildren = [
  {
    what: "ALSH SENNECEY › PETITES VACANCES › vacances d'été",
    child: "Zoé LEFÈVRE",
    days: ["lundi 6 juillet 2026", "mardi 7 juillet 2026"],
  },
  {
    what: "ALSH SENNECEY › PETITES VACANCES › vacances d'été",
    child: "Théo LEFÈVRE",
    days: ["lundi 6 juillet 2026", "mercredi 8 juillet 2026"],
  },
];

export const MAIL_SAMPLES: Record<string, Record<string, unknown>> = {
  activation: { name, link: "http://sene.localhost:3000/activation/AbC123", days: 7 },
  "activation-done": { name, origin: "http://sene.localhost:3000" },
  "staff-activation-done": { name, origin: "http://sene.localhost:3000" },
  "password-reset": { name, link: "http://sene.localhost:3000/mot-de-passe/XyZ789" },
  "password-changed": { name },
  "retention-notice": { name, numbers: ["1042", "1187", "2203"], day: "lundi 5 janvier 2027" },
  "new-device": {
    name,
    device: "Chrome sur Android",
    at: "06/12/2026 09:14",
    network: "198.51.100.x",
    link: "http://sene.localhost:3000/compte/connexions",
  },
  "email-confirm": { name, link: "http://sene.localhost:3000/compte/email/Tok456" },
  "email-change-notice": { name, email: "helene.nouvelle@example.test" },
  "preregistration-received": { name, children: "Zoé, Théo" },
  "preregistration-accepted": { name, number: "1042" },
  "preregistration-refused": {
    name,
    reason: "Domicile hors de la commune, merci de vous adresser à votre mairie.",
  },
  "planning-booked": {
    name,
    number: "1000",
    facility: "ALSH SENNECEY LES DIJON",
    service: "PETITES VACANCES",
    period: "vacances d'été",
    lines: [
      {
        child: "Zoé LEFÈVRE",
        days: [
          { day: "lundi 6 juillet 2026", status: "acceptée" },
          { day: "mardi 7 juillet 2026", status: "sur liste d'attente" },
        ],
      },
      {
        child: "Théo LEFÈVRE",
        days: [
          { day: "lundi 6 juillet 2026", status: "en attente de traitement" },
          { day: "mercredi 8 juillet 2026", status: "acceptée" },
        ],
      },
    ],
  },
  "planning-decision-accepted": { name, lines: twoChildren, reason: null },
  "planning-decision-refused": { name, lines: twoChildren, reason: "Groupe complet ces jours-là." },
  "planning-decision-cancellation-accepted": { name, lines: twoChildren, reason: null },
  "planning-decision-cancellation-refused": {
    name,
    lines: twoChildren,
    reason: "Délai d'annulation dépassé.",
  },
  "planning-place-given": {
    name,
    child: "Zoé LEFÈVRE",
    period: "vacances d'été",
    day: "mardi 7 juillet 2026",
  },
  "planning-place-offered": {
    name,
    child: "Théo LEFÈVRE",
    period: "vacances d'été",
    day: "jeudi 9 juillet 2026",
  },
  "planning-absence-accepted": {
    name,
    child: "Zoé LEFÈVRE",
    day: "mardi 7 juillet 2026",
    service: "ALSH SENNECEY › PETITES VACANCES",
    motif: "Maladie",
    outcome: "absent excusé",
    reason: null,
    certificate: "14/07/2026",
  },
  "planning-absence-refused": {
    name,
    child: "Zoé LEFÈVRE",
    day: "mardi 7 juillet 2026",
    service: "ALSH SENNECEY › PETITES VACANCES",
    motif: "Convenance personnelle",
    outcome: "absent facturé",
    reason: "Déclaration reçue après l'heure limite.",
    certificate: null,
  },
  "billing-basket-expired": {
    name,
    days: ["Zoé LEFÈVRE : mercredi 2 septembre 2026", "Théo LEFÈVRE : mercredi 9 septembre 2026"],
  },
  "billing-basket-paid": {
    name,
    number: "CAM-12",
    regie: "Régie Enfance",
    total: "18,40 €",
    lines: [
      { label: "Zoé LEFÈVRE – mercredi 2 septembre 2026", amount: "9,20 €" },
      { label: "Théo LEFÈVRE – mercredi 2 septembre 2026", amount: "9,20 €" },
    ],
  },
  "billing-new-invoice": {
    name,
    number: "AL-36",
    regie: "Régie ALSH",
    month: "juillet 2026",
    total: "127,50 €",
    due: "15/08/2026",
  },
  "document-refused": {
    name,
    type: "Attestation QF CAF ou MSA",
    filename: "attestation-caf-2026.pdf",
    reason: "Document illisible, merci de le numériser à nouveau.",
  },
  "request-accepted": { name, section: "Coordonnées du foyer", reason: null },
  "request-refused": { name, section: "Coordonnées du foyer", reason: "Justificatif de domicile manquant." },
  "billing-credit-note": {
    name,
    number: "AV-CAM-1",
    invoice: "CAM-1",
    regie: "Régie Enfance-Jeunesse",
    total: "30,80 €",
    credit: "30,80 €",
  },
  "message-received": { name, link: "http://sene.localhost:3000/messages" },
  "staff-invitation": {
    name,
    role: "agent",
    link: "http://sene.localhost:3000/agents/activation/StAfF42",
    days: 7,
  },
  "invite-existing": { name, origin: "http://sene.localhost:3000" },
  "campaign-reminder": { name, campaign: "Dossier unique 2027-2028", deadline: "vendredi 2 juillet 2027" },
  "enrolment-decision": {
    name,
    outcome: "acceptée",
    told: "accepted",
    child: "Zoé LEFÈVRE",
    what: "RESTAURATION SCOLAIRE › Cantine › 2027-2028",
    reason: null,
    booked: 140,
  },
  "school-enrolment-decision": {
    name,
    accepted: false,
    child: "Théo LEFÈVRE",
    school: "École élémentaire Jules-Ferry",
    level: "CP",
    year: "2027-2028",
    reason: "Dérogation refusée : l'école de secteur a de la place.",
  },
};
