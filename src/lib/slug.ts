/**
 * A name as a key: no accents, lower case, words joined by « - », at most `max` characters;
 * `fallback` when nothing is left (« Régie ALSH » → regie-alsh).
 */
export function slugOf(name: string, max: number, fallback: string): string {
  return (
    name
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, max) || fallback
  );
}
