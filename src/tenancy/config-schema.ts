import { z } from "zod";
import { contrastRatio } from "../lib/contrast.ts";
import { billingSchema, checkBilling } from "./billing-schema.ts";
import { checkPlanning, planningSchema } from "./planning-schema.ts";

const colour = z.string().regex(/^#[0-9a-f]{6}$/i, "couleur #rrggbb attendue");
const hostname = z
  .string()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, "nom d'hôte invalide");

export const passwordPolicySchema = z.object({
  minLength: z.number().int().min(8).max(64),
  requireUpper: z.boolean().default(false),
  requireLower: z.boolean().default(false),
  requireDigit: z.boolean().default(false),
  requireSpecial: z.boolean().default(false),
});
export type PasswordPolicy = z.infer<typeof passwordPolicySchema>;

/** The sections of the household file about the account (« Mon compte »), not about a child. */
export const ACCOUNT_SECTIONS = [
  "responsable",
  "conjoint",
  "coordonnees",
  "fiscal",
  "caf",
  "bancaire",
] as const;

/** Sections of the household file; each is changed directly or by a request, per town. */
export const SECTIONS = [
  ...ACCOUNT_SECTIONS,
  "ajout_enfant",
  "autorisations",
  "donnees_complementaires",
  "donnees_sanitaires",
  // Pickup and emergency contacts of a child; without a town setting, follows "autorisations".
  "personnes_autorisees",
] as const;
export type Section = (typeof SECTIONS)[number];

const DEFAULT_CONSENTS = [
  { key: "photos", label: "Droit à l'image (photos et vidéos lors des activités)" },
  { key: "sorties", label: "Participation aux sorties hors de la structure" },
  { key: "transport", label: "Transport en car ou minibus" },
  { key: "soins", label: "Soins d'urgence et hospitalisation si nécessaire" },
  { key: "depart_seul", label: "Rentrer seul après l'activité" },
];

const MESSAGE_SERVICES = ["Accueil", "Restauration scolaire", "ALSH", "Facturation"];

const documentType = z.object({
  key: z.string().regex(/^[a-z0-9_]+$/),
  label: z.string(),
  /** One document for the household, or one for each child. */
  scope: z.enum(["household", "child"]),
  /** When set, a document of this type is « expiré » that many months after its upload. */
  validityMonths: z.number().int().min(1).max(120).optional(),
});

/** « Mes documents »: what a town accepts, and the blank forms it publishes (tenants/forms/<slug>/). */
export const documentsSchema = z.object({
  extensions: z
    .array(z.enum([".pdf", ".jpg", ".jpeg", ".png", ".gif"]))
    .min(1)
    .default([".pdf", ".jpg", ".jpeg", ".png"]),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  types: z.array(documentType).default([]),
  forms: z.array(z.object({ file: z.string().regex(/^[a-z0-9-]+\.pdf$/), label: z.string() })).default([]),
});
export type DocumentsConfig = z.infer<typeof documentsSchema>;
const DEFAULT_DOCUMENTS: DocumentsConfig = {
  extensions: [".pdf", ".jpg", ".jpeg", ".png"],
  maxBytes: 2 * 1024 * 1024,
  types: [],
  forms: [],
};

export const householdFileSchema = z.object({
  /** "direct": applied at once (Sennecey, Séné); "request": validated by staff (Plombières). */
  changes: z.partialRecord(z.enum(SECTIONS), z.enum(["direct", "request"])).default({}),
  consents: z
    .array(z.object({ key: z.string().regex(/^[a-z_]+$/), label: z.string() }))
    .default(DEFAULT_CONSENTS),
  /** Fields that must be filled before booking (what « formulaire utilisateur incomplet » lists). */
  mandatory: z
    .object({
      guardian: z.array(z.string()).default([]),
      household: z.array(z.string()).default([]),
      child: z.array(z.string()).default([]),
      /** Document type keys (documents.types): one valid document each, per household or per child. */
      documents: z.array(z.string()).default([]),
    })
    .default({ guardian: [], household: [], child: [], documents: [] }),
  documents: documentsSchema.default(DEFAULT_DOCUMENTS),
});
export type HouseholdFileConfig = z.infer<typeof householdFileSchema>;

/**
 * How long the retention job keeps each kind of data (issue 16, item 15), within the bounds of
 * CNIL's guidance for a « portail famille »; the defaults are the guidance's maxima.
 */
export const RETENTION_BOUNDS = {
  householdYears: { min: 1, max: 3 },
  journalMonths: { min: 6, max: 12 },
  auditYears: { min: 1, max: 5 },
} as const;
const bounded = (k: keyof typeof RETENTION_BOUNDS, fallback: number) =>
  z.int().min(RETENTION_BOUNDS[k].min).max(RETENTION_BOUNDS[k].max).default(fallback);
const retentionSchema = z.object({
  /** An inactive household's file (and its documents and health data). */
  householdYears: bounded("householdYears", 3),
  /** Journals of logins and of health-data reads. */
  journalMonths: bounded("journalMonths", 12),
  /** The file's audit trail (« historique des modifications »). */
  auditYears: bounded("auditYears", 3),
});
export type RetentionConfig = z.infer<typeof retentionSchema>;

/** What the legal pages say (issue 16): the town is the publisher and the data controller. */
const legalSchema = z.object({
  retention: retentionSchema.prefault({}),
  /** « Directeur de la publication », e.g. « Le maire, Mme Dupont ». */
  publisher: z.string().default("Le maire de la commune"),
  /** The town's data protection officer (DPO / DPD). */
  dpoEmail: z.email().optional(),
  hosting: z.string().default("Parvis, hébergé en France (Union européenne)"),
  accessibility: z
    .object({
      status: z
        .enum(["totalement conforme", "partiellement conforme", "non conforme"])
        .default("non conforme"),
      /** « 12 mars 2026 »; absent: no audit yet. */
      auditDate: z.string().optional(),
      auditBy: z.string().optional(),
      rate: z.number().min(0).max(100).optional(),
      nonConform: z.array(z.string()).default([]),
    })
    .prefault({}),
});

export const tenantConfigSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    name: z.string().min(2),
    shortName: z.string().min(2),
    hostnames: z.array(hostname).default([]),
    branding: z.object({
      logo: z.string().regex(/^[a-z0-9-]+\.svg$/),
      primary: colour,
      /** Text colour used on the primary colour (buttons, header). */
      onPrimary: colour.default("#ffffff"),
      tagline: z.string().optional(),
    }),
    contact: z.object({
      service: z.string(),
      phone: z.string(),
      email: z.email(),
      address: z.string(),
    }),
    website: z.url(),
    legal: legalSchema.prefault({}),
    links: z.array(z.object({ label: z.string(), url: z.url() })).default([]),
    holidayZone: z.enum(["A", "B", "C"]),
    auth: z.object({
      loginWith: z.enum(["email", "identifier"]),
      accountOpening: z.enum(["activation_link", "letter"]),
      forcePasswordChangeAtFirstLogin: z.boolean().default(false),
      /** Staff must have a second factor: one without is sent to enrol right after the password. */
      staffSecondFactor: z.boolean().default(true),
      passwordPolicy: passwordPolicySchema,
      /** Where « Déconnexion » leads; the town's login page when absent. */
      logoutRedirect: z.url().optional(),
    }),
    portal: z
      .object({
        inbox: z.boolean().default(false),
        requestsList: z.boolean().default(false),
        /** « tuiles »: the tiled home; « onglets »: the older portal's menu bar (Plombières). */
        layout: z.enum(["tuiles", "onglets"]).default("tuiles"),
        /** The services a parent's message may be for (« Nous contacter »). */
        messageServices: z.array(z.string().min(2).max(60)).min(1).default(MESSAGE_SERVICES),
      })
      .default({ inbox: false, requestsList: false, layout: "tuiles", messageServices: MESSAGE_SERVICES }),
    householdFile: householdFileSchema.default({
      changes: {},
      consents: DEFAULT_CONSENTS,
      mandatory: { guardian: [], household: [], child: [], documents: [] },
      documents: DEFAULT_DOCUMENTS,
    }),
    planning: planningSchema.default(planningSchema.parse({})),
    billing: billingSchema.default(billingSchema.parse({})),
  })
  .superRefine((cfg, ctx) => {
    // RGAA: text on the town's colour, and the colour as text on white, must both reach 4.5:1.
    if (contrastRatio(cfg.branding.primary, cfg.branding.onPrimary) < 4.5) {
      ctx.addIssue({ code: "custom", path: ["branding", "onPrimary"], message: "contraste < 4.5:1" });
    }
    if (contrastRatio(cfg.branding.primary, "#ffffff") < 4.5) {
      ctx.addIssue({ code: "custom", path: ["branding", "primary"], message: "contraste sur blanc < 4.5:1" });
    }
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    checkPlanning(cfg.planning, issue);
    checkBilling(cfg.billing, new Set(cfg.planning.services.map((s) => s.key)), issue);
    const types = new Set(cfg.householdFile.documents.types.map((t) => t.key));
    cfg.householdFile.mandatory.documents.forEach((key, i) => {
      if (!types.has(key))
        ctx.addIssue({
          code: "custom",
          path: ["householdFile", "mandatory", "documents", i],
          message: "type inconnu",
        });
    });
  });

export type TenantConfig = z.infer<typeof tenantConfigSchema>;
