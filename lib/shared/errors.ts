/**
 * The one error type of Keyhole and its problem+json shape (RFC 9457). Safe for the browser:
 * the client turns problem+json back into an AppError and switches on `code`.
 */
import { parseSessionEndReason, type SessionEndReason } from "./session-end";

export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  invalid_client: 401,
  weak_password: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  insufficient_scope: 403,
  csrf_rejected: 403,
  reauthentication_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  email_taken: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  upstream_unavailable: 502,
  overloaded: 503,
  database_unavailable: 503,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<ErrorCode, string> = {
  invalid_request: "The request is invalid.",
  invalid_grant: "The credentials or the grant are invalid.",
  unsupported_grant_type: "This grant type is not supported.",
  invalid_client: "Client authentication failed.",
  weak_password: "The password is too weak.",
  unauthenticated: "Authentication is required.",
  invalid_credentials: "The email or password is incorrect.",
  forbidden: "You are not allowed to do this.",
  insufficient_scope: "The token lacks the scope this needs.",
  csrf_rejected: "The request was refused because it did not come from this site.",
  reauthentication_required: "Confirm your password to continue.",
  not_found: "Not found.",
  method_not_allowed: "Method not allowed.",
  email_taken: "An account with this email already exists.",
  payload_too_large: "The request body is too large.",
  unsupported_media_type: "The request body must be JSON.",
  rate_limited: "Too many attempts. Try again later.",
  internal: "Something went wrong on our side.",
  upstream_unavailable: "The API could not be reached.",
  overloaded: "The server is busy. Try again in a moment.",
  database_unavailable: "The service is temporarily unavailable. Try again shortly.",
  upstream_timeout: "The API did not answer in time.",
};

export interface FieldError {
  /** Dotted path of the offending field, e.g. `password` or `items.0.title`. */
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  errors?: FieldError[];
  /** For `unauthenticated` from the BFF: why the session ended (lib/shared/session-end.ts). */
  reason?: SessionEndReason;
}

/** Shared by every copy of this module (Symbol.for), so `instanceof` holds across Next.js bundles. */
const APP_ERROR_BRAND = Symbol.for("keyhole.AppError");

export class AppError extends Error {
  /**
   * Next.js may bundle this module once per route: an AppError thrown by the BFF (built by one
   * route's bundle) reaches a server action that holds another copy of the class.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[APP_ERROR_BRAND] === true;
  }

  override name = "AppError";
  readonly [APP_ERROR_BRAND] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly fieldErrors: FieldError[] | undefined;
  /** For `rate_limited`, `overloaded` and `database_unavailable`: when to try again (sent as Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  /** For `method_not_allowed`: the methods that are (sent as Allow). */
  readonly allow: string[] | undefined;
  /** For `unauthenticated` from the BFF: why the session ended, sent as the problem's `reason`. */
  readonly reason: SessionEndReason | undefined;

  constructor(
    code: ErrorCode,
    options: { detail?: string; errors?: FieldError[]; retryAfterSeconds?: number; allow?: string[]; reason?: SessionEndReason; cause?: unknown } = {},
  ) {
    super(TITLES[code], { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.detail = options.detail;
    this.fieldErrors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.allow = options.allow;
    this.reason = options.reason;
  }

  /** The public body: never the cause, never a stack. */
  toProblem(): Problem {
    return {
      type: `urn:keyhole:problem:${this.code.replaceAll("_", "-")}`,
      title: this.message,
      status: this.status,
      code: this.code,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.fieldErrors ? { errors: this.fieldErrors } : {}),
      ...(this.reason ? { reason: this.reason } : {}),
    };
  }
}

export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Problem).code === "string" &&
    Object.hasOwn(ERROR_STATUS, (value as Problem).code) &&
    typeof (value as Problem).status === "number"
  );
}

/** Rebuilds an AppError from a problem body received over HTTP. */
export function appErrorFromProblem(problem: Problem): AppError {
  return new AppError(problem.code, { detail: problem.detail, errors: problem.errors, reason: parseSessionEndReason(problem.reason) ?? undefined });
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Retry-After and Allow, for every error answer that has them (problem+json and OAuth alike). */
export function errorHeaders(error: AppError): Record<string, string> {
  return {
    ...(error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : {}),
    ...(error.allow ? { Allow: error.allow.join(", ") } : {}),
  };
}

/** The one problem+json writer, for the API and the BFF. */
export function problemResponse(error: AppError, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(error.toProblem()), {
    status: error.status,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": "no-store", ...errorHeaders(error), ...headers },
  });
}

/** Field errors from a failed schema validation (a zod error's issues), for `invalid_request`. */
export function toFieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldError[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join(".") || "(body)", message: issue.message }));
}

/** A message as a sentence: validators write "must not be blank", forms show "Must not be blank". */
export function sentenceCase(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
