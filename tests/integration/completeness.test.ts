/**
 * « What is missing » (issue 3, item 5): each town's mandatory fields of « Moi », the household
 * and each child, and its mandatory documents, listed with the page where to fill them; canBook
 * for the planning; « Mon dossier » and the home page banner. Values are set in the database, not
 * through the forms.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Trx } from "../../src/db/database.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import * as completeness from "../../src/features/completeness/service.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

interface Family {
  tenant: Tenant;
  userId: string;
  householdId: string;
  children: { id: string; first_name: string }[];
}

/** The town's demo family, emptied of every mandatory value, with a child added (« Zoé »). */
async function emptyFamily(slug: string, login: string): Promise<Family> {
  const site = await p.deps.sites.resolve(`${slug}.localhost:3000`);
  if (site.kind !== "tenant") throw new Error(slug);
  const tenant = site.tenant;
  const user = await p.owner
    .selectFrom("users")
    .select(["id", "household_id"])
    .where("tenant_id", "=", tenant.id)
    .where((eb) => eb.or([eb("login", "=", login), eb("email", "=", login)]))
    .executeTakeFirstOrThrow();
  const householdId = user.household_id as string;
  const family = { tenant, userId: user.id, householdId, children: [] };
  await asParent(family, (trx) =>
    trx
      .insertInto("children")
      .values({
        tenant_id: tenant.id,
        household_id: householdId,
        first_name: "Zoé",
        last_name: "X",
        birth_date: "2022-02-02",
      })
      .execute(),
  );
  const blank = { birth_date: null, phone_home: null, phone_mobile: null, profession: null, employer: null };
  await p.owner.updateTable("guardians").set(blank).where("household_id", "=", householdId).execute();
  await p.owner
    .updateTable("households")
    .set({ address_line: null, postal_code: "", city: null, caf_regime: null, caf_number: null })
    .where("id", "=", householdId)
    .execute();
  await p.owner
    .updateTable("children")
    .set({ school: null, class_level: null })
    .where("household_id", "=", householdId)
    .execute();
  await p.owner.deleteFrom("health_records").where("household_id", "=", householdId).execute();
  await p.owner.deleteFrom("documents").where("household_id", "=", householdId).execute();
  const children = await p.owner
    .selectFrom("children")
    .select(["id", "first_name"])
    .where("household_id", "=", householdId)
    .orderBy("birth_date")
    .orderBy("first_name")
    .execute();
  return { ...family, children };
}

function asParent<T>(f: Omit<Family, "children">, fn: (trx: Trx) => Promise<T>) {
  return p.db.withTenant(
    { role: "app_parent", tenantId: f.tenant.id, userId: f.userId, householdId: f.householdId },
    fn,
  );
}

const missing = (f: Family) => asParent(f, (trx) => completeness.missingItems(trx, f.tenant, f.householdId));

/** The parent fills one child's file (identity and doctor). */
async function fillChild(f: Family, childId: string) {
  await asParent(f, async (trx) => {
    await trx
      .updateTable("children")
      .set({ school: "École Jean Moulin", class_level: "CP" })
      .where("id", "=", childId)
      .execute();
    await trx
      .insertInto("health_records")
      .values({
        tenant_id: f.tenant.id,
        child_id: childId,
        household_id: f.householdId,
        doctor_name: "Dr Martin",
        doctor_phone: "03 80 00 00 00",
      })
      .execute();
  });
}

/** The parent fills « Moi » and the household. */
async function fillHousehold(f: Family) {
  await asParent(f, async (trx) => {
    await trx
      .updateTable("guardians")
      .set({
        birth_date: "1985-06-01",
        phone_home: "03 80 11 11 11",
        phone_mobile: "06 11 11 11 11",
        profession: "Infirmier",
        employer: "CHU",
      })
      .where("rank", "=", 1)
      .execute();
    await trx
      .updateTable("households")
      .set({
        address_line: "1 rue Haute",
        postal_code: "21000",
        city: "DIJON",
        caf_regime: "CAF",
        caf_number: "1234567",
      })
      .execute();
  });
}

/** A document of the household (or of one child), in the given state and validity. */
async function deposit(
  f: Family,
  type: string,
  o: { childId?: string; state?: "deposited" | "validated" | "refused"; validUntil?: string } = {},
) {
  const { id } = await p.owner
    .insertInto("documents")
    .values({
      tenant_id: f.tenant.id,
      household_id: f.householdId,
      child_id: o.childId ?? null,
      type,
      filename: `${type}.pdf`,
      mime: "application/pdf",
      size: 9,
      sha256: "0".repeat(64),
      content: Buffer.from("%PDF-1.4\n"),
      state: o.state ?? "deposited",
      reason: o.state === "refused" ? "Illisible" : null,
      valid_until: o.validUntil ?? null,
      uploaded_by: f.userId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

const TOWNS = [
  {
    slug: "plombieres",
    login: "jdupont",
    me: ["Téléphone domicile"],
    household: ["Adresse du foyer", "Code postal du foyer", "Ville du foyer"],
    child: ["Médecin traitant"],
    documents: [],
  },
  {
    slug: "sene",
    login: "lola.test@sene.test",
    me: ["Date de naissance", "Téléphone portable"],
    household: ["Adresse du foyer", "Code postal du foyer", "Ville du foyer"],
    child: ["École", "Classe", "Médecin traitant", "Téléphone du médecin"],
    documents: [],
  },
  {
    slug: "senneceylesdijon",
    login: "parent1.mairie@senneceylesdijon.test",
    me: ["Date de naissance", "Téléphone portable", "Profession", "Employeur"],
    household: [
      "Adresse du foyer",
      "Code postal du foyer",
      "Ville du foyer",
      "Régime (CAF ou MSA)",
      "N° allocataire",
    ],
    child: ["École", "Classe", "Médecin traitant", "Téléphone du médecin"],
    documents: ["Attestation QF CAF ou MSA"],
  },
];

describe.each(TOWNS)("$slug: the town's mandatory list", (town) => {
  let f: Family;
  beforeAll(async () => {
    f = await emptyFamily(town.slug, town.login);
  });

  it("lists every empty mandatory field with the page where to fill it", async () => {
    expect(await missing(f)).toEqual([
      ...town.me.map((l) => ({ label: `${l} (Moi)`, href: "/profil" })),
      ...town.household.map((l) => ({ label: l, href: "/foyer" })),
      ...f.children.flatMap((c) =>
        town.child.map((l) => ({ label: `${l} (${c.first_name})`, href: `/enfants/${c.id}` })),
      ),
      ...town.documents.map((l) => ({ label: l, href: "/documents" })),
    ]);
  });

  it("canBook: a child with a complete file may book once the household is complete; the others may not", async () => {
    const [first, ...others] = f.children;
    if (!first) throw new Error("no child");
    await fillChild(f, first.id);
    const canBook = (childId?: string) =>
      asParent(f, (trx) => completeness.canBook(trx, f.tenant, f.householdId, childId));
    expect((await canBook(first.id)).ok).toBe(false);
    await fillHousehold(f);
    const documents = town.documents.map((l) => ({ label: l, href: "/documents" }));
    expect(await canBook(first.id)).toEqual({ ok: !documents.length, missing: documents });
    if (documents.length) await deposit(f, "attestation_qf");
    expect(await canBook(first.id)).toEqual({ ok: true, missing: [] });
    expect((await canBook()).ok).toBe(others.length === 0);
    for (const c of others) {
      expect((await canBook(c.id)).missing.map((m) => m.href)).toEqual(
        town.child.map(() => `/enfants/${c.id}`),
      );
      await fillChild(f, c.id);
    }
    expect(await missing(f)).toEqual([]);
  });
});

describe("mandatory documents (Sennecey: the household's « Attestation QF CAF ou MSA »)", () => {
  let f: Family;
  const docs = async (tenant = f.tenant) =>
    (await asParent(f, (trx) => completeness.missingItems(trx, tenant, f.householdId)))
      .filter((m) => m.href === "/documents")
      .map((m) => m.label);
  beforeAll(async () => {
    f = await emptyFamily("senneceylesdijon", "parent1.mairie@senneceylesdijon.test");
    await fillHousehold(f);
    for (const c of f.children) await fillChild(f, c.id);
  });

  it("counts a document « déposé » or « validé », never one refused, expired, of another type or a child's", async () => {
    const qf = ["Attestation QF CAF ou MSA"];
    expect(await docs()).toEqual(qf);
    await deposit(f, "attestation_qf", { state: "refused" });
    await deposit(f, "attestation_qf", { state: "validated", validUntil: "2020-01-01" });
    await deposit(f, "avis_imposition");
    await deposit(f, "attestation_qf", { childId: f.children[0]?.id });
    expect(await docs()).toEqual(qf);
    const id = await deposit(f, "attestation_qf");
    expect(await docs()).toEqual([]);
    await p.owner.updateTable("documents").set({ state: "validated" }).where("id", "=", id).execute();
    expect(await missing(f)).toEqual([]);
  });

  it("asks a child-scoped document of each child, and canBook checks only the child asked about", async () => {
    const hf = f.tenant.config.householdFile;
    const config = {
      ...f.tenant.config,
      householdFile: { ...hf, mandatory: { ...hf.mandatory, documents: ["brevet_natation"] } },
    };
    const tenant = { ...f.tenant, config };
    const [first, ...others] = f.children;
    if (!first || !others.length) throw new Error("two children expected");
    expect(await docs(tenant)).toEqual(f.children.map((c) => `Brevet de natation (${c.first_name})`));
    await deposit(f, "brevet_natation", { childId: first.id });
    expect(await docs(tenant)).toEqual(others.map((c) => `Brevet de natation (${c.first_name})`));
    const canBook = (childId: string) =>
      asParent(f, (trx) => completeness.canBook(trx, tenant, f.householdId, childId));
    expect(await canBook(first.id)).toEqual({ ok: true, missing: [] });
    expect((await canBook(others[0]?.id as string)).ok).toBe(false);
  });
});

describe("« Mon dossier » and the home page banner (Sennecey)", () => {
  it("shows Sennecey's wording and links while something is missing, and says when the file is complete", async () => {
    const f = await emptyFamily("senneceylesdijon", "parent1.mairie@senneceylesdijon.test");
    const c = client(p.app, "senneceylesdijon.localhost:3000", { ip: "192.0.2.77" });
    expect((await c.login("parent1.mairie@senneceylesdijon.test", DEMO_PASSWORD)).status).toBe(303);
    const home = await (await c.get("/")).text();
    expect(home).toContain('<a href="/dossier">Voir les informations manquantes');
    const page = await (await c.get("/dossier")).text();
    expect(page).toContain("<h1>Mon dossier</h1>");
    expect(page).toContain(
      "Réservation impossible : formulaire utilisateur incomplet. Merci de renseigner les informations manquantes.",
    );
    expect(page).toContain('<a href="/profil">Profession (Moi)</a>');
    expect(page).toContain('<a href="/foyer">N° allocataire</a>');
    await fillHousehold(f);
    for (const child of f.children) await fillChild(f, child.id);
    const rest = await (await c.get("/dossier")).text();
    expect(rest).toContain('<a href="/documents">Attestation QF CAF ou MSA</a>');
    expect(rest).not.toContain('href="/foyer"');
    const staff = client(p.app, "senneceylesdijon.localhost:3000", { ip: "192.0.2.78" });
    expect((await staff.login("admin@senneceylesdijon.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    const file = await (await staff.get(`/agents/foyers/${f.householdId}`)).text();
    expect(file).toContain('<a href="#documents">Attestation QF CAF ou MSA</a>');
    await deposit(f, "attestation_qf");
    expect(await (await c.get("/")).text()).not.toContain('href="/dossier"');
    expect(await (await c.get("/dossier")).text()).toContain("Votre dossier est complet");
  });
});
