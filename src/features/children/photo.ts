import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";

/** The largest photo a parent may send, before it is resized. */
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const PHOTO_TOO_BIG = "La photo dépasse la taille maximale de 5 Mo.";

const FORMATS = new Set(["image/jpeg", "image/png", "image/webp"]);
const SIDE = 600;

export type CheckedPhoto = { ok: true; jpeg: Buffer } | { ok: false; error: string };

/** JPEG at most 600×600, turned upright by its EXIF orientation, then stripped of all metadata. */
async function resize(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes, { failOn: "error" })
    .rotate()
    .resize(SIDE, SIDE, { fit: "inside", withoutEnlargement: true })
    .jpeg({ quality: 80, mozjpeg: true })
    .toBuffer();
}

/**
 * The child's photo as it will be stored, or the French message for the field. The format is
 * read from the content's magic bytes, never from the name or the type the browser sent.
 */
export async function checkPhoto(file: File | undefined): Promise<CheckedPhoto> {
  if (!file || (file.size === 0 && file.name === "")) return { ok: false, error: "Choisissez une photo." };
  if (file.size === 0) return { ok: false, error: "Le fichier est vide." };
  if (file.size > PHOTO_MAX_BYTES) return { ok: false, error: PHOTO_TOO_BIG };
  const bytes = Buffer.from(await file.arrayBuffer());
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !FORMATS.has(detected.mime))
    return {
      ok: false,
      error: "Le contenu de ce fichier n'est pas une image JPEG, PNG ou WebP, quel que soit son nom.",
    };
  try {
    return { ok: true, jpeg: await resize(bytes) };
  } catch {
    return { ok: false, error: "Cette image est illisible ou endommagée." };
  }
}
