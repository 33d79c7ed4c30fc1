import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A failure the user can be told about: a French message and an HTTP status. */
export class AppError extends Error {
  constructor(
    readonly code: "not_found" | "forbidden" | "bad_request" | "too_many" | "gone" | "method",
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = () =>
  new AppError("not_found", 404, "Cette page n'existe pas ou n'est pas accessible.");
export const forbidden = (message = "Vous n'avez pas accès à cette page.") =>
  new AppError("forbidden", 403, message);
