import sharp, { type Sharp } from "sharp";

/** Image formats whose metadata (EXIF with GPS, XMP, IPTC) is dropped on upload. */
const REWRITE: Record<string, (s: Sharp) => Sharp> = {
  "image/jpeg": (s) => s.rotate().jpeg({ quality: 92 }),
  "image/png": (s) => s.png(),
  "image/webp": (s) => s.rotate().webp({ quality: 92 }),
  "image/gif": (s) => s.gif(),
};

/**
 * The image re-encoded without its metadata (sharp keeps none unless asked), turned upright
 * first by its EXIF orientation so that nothing looks different. Other formats pass as they are.
 * Throws when the image cannot be decoded.
 */
export async function stripMetadata(bytes: Buffer, mime: string): Promise<Buffer> {
  const rewrite = REWRITE[mime];
  if (!rewrite) return bytes;
  return rewrite(sharp(bytes, { failOn: "error", animated: mime === "image/gif" })).toBuffer();
}
