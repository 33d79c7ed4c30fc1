/**
 * What the documents slice offers other slices for their own files (message and news
 * attachments, absence proofs): the upload check (type sniffed, size, name), the labels of the
 * accepted formats and sizes, and the download response.
 */

export { sendFile } from "./download.ts";
export { checkFile, formatsLabel, sizeLabel } from "./sniff.ts";
