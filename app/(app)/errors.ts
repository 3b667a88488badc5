/** One sentence for an error from the BFF, for the signed-in pages. */
import { AppError, sentenceCase } from "@/lib/shared/errors";

export function errorText(error: unknown, notFound?: string): string | null {
  if (!error) return null;
  if (error instanceof AppError) {
    if (error.code === "not_found" && notFound) return notFound;
    if (error.code === "rate_limited") return "Too many attempts. Please wait a moment and try again.";
    return error.detail ?? error.message;
  }
  return "Something went wrong. Please try again.";
}

/** Field errors by field name ("scopes.0" counts for "scopes"), first message wins. */
export function fieldErrorMap(error: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  if (!(error instanceof AppError)) return map;
  for (const field of error.fieldErrors ?? []) {
    const name = field.path.split(".")[0] ?? field.path;
    map[name] ??= sentenceCase(field.message);
  }
  return map;
}
