import { createHash } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import type { DocumentsConfig } from "../../tenancy/config-schema.ts";
import { stripMetadata } from "./strip.ts";

export interface CheckedFile {
  bytes: Buffer;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
}

/** The town's formats as people read them: « PDF, JPG, JPEG, GIF, PNG ». */
export function formatsLabel(cfg: DocumentsConfig): string {
  return cfg.extensions.map((e) => e.slice(1).toUpperCase()).join(", ");
}

/** « 2 Mo », « 512 Ko ». */
export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1)).toLocaleString("fr-FR")} Mo`;
  return `${Math.max(1, Math.round(bytes / 1024))} Ko`;
}

/**
 * The file as the town accepts it, or the French message for the file field. The format is
 * read from the content's magic bytes: the name the browser sent proves nothing.
 */
export async function checkFile(
  cfg: DocumentsConfig,
  file: File | undefined,
): Promise<{ ok: true; file: CheckedFile } | { ok: false; error: string }> {
  if (!file || (file.size === 0 && file.name === "")) return { ok: false, error: "Choisissez un fichier." };
  if (file.size === 0) return { ok: false, error: "Le fichier est vide." };
  if (file.size > cfg.maxBytes)
    return { ok: false, error: `Le fichier dépasse la taille maximale de ${sizeLabel(cfg.maxBytes)}.` };
  const sent = Buffer.from(await file.arrayBuffer());
  const detected = await fileTypeFromBuffer(sent);
  const ext = detected ? `.${detected.ext}` : "";
  const allowed = cfg.extensions.includes(ext as DocumentsConfig["extensions"][number]);
  if (!detected || !allowed)
    return {
      ok: false,
      error: `Le contenu de ce fichier n'est pas dans un format accepté (${formatsLabel(cfg)}), quel que soit son nom.`,
    };
  let bytes: Buffer;
  try {
    bytes = await stripMetadata(sent, detected.mime);
  } catch {
    return { ok: false, error: "Cette image est illisible ou endommagée." };
  }
  return {
    ok: true,
    file: {
      bytes,
      filename: sanitiseFilename(file.name, ext),
      mime: detected.mime,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    },
  };
}

const SAME_FORMAT: Record<string, string[]> = { ".jpg": [".jpg", ".jpeg"] };

/**
 * A name safe to show and to send back: no path, no control or reserved characters, at most
 * 120 characters, and an extension that tells the real format.
 */
export function sanitiseFilename(name: string, ext: string): string {
  const base = (name.split(/[/\\]/).pop() ?? "")
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}<>:"|?*]/gu, "")
    .replace(/\s+/g, " ")
    .replace(/^[.\s]+|[.\s]+$/g, "");
  const lower = base.toLowerCase();
  const hasExt = (SAME_FORMAT[ext] ?? [ext]).some((e) => lower.endsWith(e));
  const stem = (hasExt ? base.slice(0, base.lastIndexOf(".")) : base).slice(0, 110) || "document";
  return `${stem}${hasExt ? base.slice(base.lastIndexOf(".")) : ext}`;
}
