import type * as campaignRepo from "./repo.ts";

/** One thing a household confirms: a section for the household, a guardian or a child. */
export interface Item {
  key: string;
  label: string;
  href: string;
  checked: boolean;
}

/** The items of one person (or of the household), under their name. */
export interface Group {
  title: string;
  items: Item[];
}

type People = Awaited<ReturnType<typeof campaignRepo.people>>;

/** Sections confirmed once per child, with the page of the child's file where each is checked. */
const CHILD_SECTIONS: Record<string, { label: string; page: string }> = {
  sante: { label: "Santé", page: "/sante" },
  personnes: { label: "Personnes autorisées", page: "" },
  autorisations: { label: "Autorisations (consentements)", page: "/autorisations" },
};
const HOUSEHOLD_SECTIONS: Record<string, { label: string; href: string }> = {
  coordonnees: { label: "Coordonnées du foyer", href: "/foyer" },
  documents: { label: "Documents demandés", href: "/documents" },
};

/**
 * What a household has to confirm in a campaign of these sections: « Responsables » once per
 * guardian, the health, authorised persons and consents once per child, the rest once.
 */
export function groupsOf(sections: string[], people: People, checked: ReadonlySet<string>): Group[] {
  const item = (key: string, label: string, href: string) => ({
    key,
    label,
    href,
    checked: checked.has(key),
  });
  const household = sections
    .filter((s) => HOUSEHOLD_SECTIONS[s])
    .map((s) => item(s, HOUSEHOLD_SECTIONS[s]?.label ?? s, HOUSEHOLD_SECTIONS[s]?.href ?? "/"));
  const groups: Group[] = household.length ? [{ title: "Le foyer", items: household }] : [];
  if (sections.includes("responsables"))
    for (const g of people.guardians)
      groups.push({
        title: `${g.first_name} ${g.last_name}`,
        items: [item(`responsables:${g.id}`, "Responsable légal : identité et coordonnées", "/foyer")],
      });
  const perChild = sections.filter((s) => CHILD_SECTIONS[s]);
  if (perChild.length)
    for (const c of people.children)
      groups.push({
        title: `${c.first_name} ${c.last_name}`,
        items: perChild.map((s) =>
          item(
            `${s}:${c.id}`,
            CHILD_SECTIONS[s]?.label ?? s,
            `/enfants/${c.id}${CHILD_SECTIONS[s]?.page ?? ""}`,
          ),
        ),
      });
  return groups;
}

/** The people of many households, by household: read once for staff's follow-up. */
export function byHousehold(people: People): (householdId: string) => People {
  const index = new Map<string, People>();
  const of = (id: string) => {
    if (!index.has(id)) index.set(id, { guardians: [], children: [] });
    return index.get(id) as People;
  };
  for (const g of people.guardians) of(g.household_id).guardians.push(g);
  for (const c of people.children) of(c.household_id).children.push(c);
  return (id) => index.get(id) ?? { guardians: [], children: [] };
}

/** « Reste à confirmer »: per person, the items not ticked yet (groups fully ticked left out). */
export function left(groups: Group[]): { title: string; items: string[] }[] {
  return groups
    .map((g) => ({ title: g.title, items: g.items.filter((i) => !i.checked).map((i) => i.label) }))
    .filter((g) => g.items.length > 0);
}
