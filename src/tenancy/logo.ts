import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";

export const LOGO_MAX_BYTES = 512 * 1024;
const SIDE = 512;

/** SVG elements a logo may use: shapes, text, gradients. No script, no foreign content, no styles. */
const ELEMENTS = new Set(
  "svg g path rect circle ellipse line polyline polygon text tspan title desc defs lineargradient radialgradient stop clippath mask use symbol image".split(
    " ",
  ),
);
const DANGEROUS_VALUE = /javascript:|data:(?!image\/(png|jpeg);base64,)|@import|expression\(/i;

export type CheckedLogo = { ok: true; svg: string } | { ok: false; error: string };

type XmlNode = Record<string, unknown>;
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: false,
});
const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  suppressEmptyNode: true,
  processEntities: false,
});

/** The first reason the node tree is not a safe logo, or null. */
function unsafe(nodes: XmlNode[]): string | null {
  for (const node of nodes) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "#text") continue;
      if (key === ":@") {
        for (const [attr, v] of Object.entries(value as Record<string, string>)) {
          const name = attr.slice(2).toLowerCase();
          if (name.startsWith("on")) return `un attribut de script (${name})`;
          if (name.endsWith("href") && !String(v).startsWith("#") && !String(v).startsWith("data:image/"))
            return "un lien vers une ressource extérieure";
          if (DANGEROUS_VALUE.test(String(v)) || /url\((?!#)/i.test(String(v)))
            return "une valeur interdite (script ou ressource extérieure)";
        }
        continue;
      }
      if (!ELEMENTS.has(key.toLowerCase())) return `l'élément <${key}>`;
      const reason = unsafe(value as XmlNode[]);
      if (reason) return reason;
    }
  }
  return null;
}

function checkSvg(text: string): CheckedLogo {
  let tree: XmlNode[];
  try {
    if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new Error("doctype");
    tree = parser.parse(text) as XmlNode[];
  } catch {
    return { ok: false, error: "Ce fichier SVG est illisible." };
  }
  const root = tree.filter((n) => !("#text" in n));
  if (root.length !== 1 || !root[0] || !("svg" in root[0]))
    return { ok: false, error: "Ce fichier n'est pas une image SVG." };
  const reason = unsafe(root);
  if (reason)
    return { ok: false, error: `Le logo est refusé : il contient ${reason}. Enregistrez-le sans script.` };
  return { ok: true, svg: builder.build(root) as string };
}

/** A PNG or JPEG, re-encoded (nothing of the original file survives but its pixels) inside an SVG. */
async function wrapBitmap(bytes: Buffer): Promise<CheckedLogo> {
  try {
    const { data, info } = await sharp(bytes, { failOn: "error" })
      .resize(SIDE, SIDE, { fit: "inside", withoutEnlargement: true })
      .png()
      .toBuffer({ resolveWithObject: true });
    const href = `data:image/png;base64,${data.toString("base64")}`;
    return {
      ok: true,
      svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${info.width} ${info.height}"><image width="${info.width}" height="${info.height}" href="${href}"/></svg>`,
    };
  } catch {
    return { ok: false, error: "Cette image est illisible ou endommagée." };
  }
}

/**
 * A town's logo as it will be served (/logo.svg), or the French message for the field: an SVG
 * is parsed and rebuilt from an allow-list (anything scriptable refuses the file), a PNG or
 * JPEG is re-encoded. The format is read from the content, never from the file's name.
 */
export async function checkLogo(file: File | undefined): Promise<CheckedLogo> {
  if (!file || file.size === 0) return { ok: false, error: "Choisissez un logo (SVG, PNG ou JPEG)." };
  if (file.size > LOGO_MAX_BYTES)
    return { ok: false, error: "Le logo dépasse la taille maximale de 512 Ko." };
  const bytes = Buffer.from(await file.arrayBuffer());
  const detected = await fileTypeFromBuffer(bytes);
  if (detected?.mime === "image/png" || detected?.mime === "image/jpeg") return wrapBitmap(bytes);
  const text = bytes.toString("utf8");
  if ((!detected || /xml|svg/.test(detected.mime)) && /<svg[\s>]/i.test(text)) return checkSvg(text);
  return { ok: false, error: "Le contenu de ce fichier n'est pas une image SVG, PNG ou JPEG." };
}
