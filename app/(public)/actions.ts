"use server";
/**
 * Sign-in and registration as server actions, so the forms also work without JavaScript. They
 * call the same BFF functions as POST /bff/login and /bff/register. Next.js refuses server
 * actions whose Origin does not match the host, and the cookie is SameSite=Strict.
 */
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionCookie, type SignedIn } from "@/lib/bff";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth";
import { getBff } from "@/lib/wiring";
import { AppError, sentenceCase } from "@/lib/shared/errors";
import { getRequestContext } from "@/lib/shared/request-context";
import { safeReturnTo } from "@/lib/shared/return-to";
import { formatWait } from "@/lib/shared/wait-time";
import { credentialsSchema, registrationSchema } from "@/lib/shared/schemas";

export interface FormState {
  error?: string;
  fieldErrors?: Record<string, string>;
  /** What was typed, to show again; never the password (it stays in the browser, see the forms). */
  values?: { email?: string; name?: string };
  /** After too many attempts: how long until the next one may be made (Retry-After). */
  retryAfterSeconds?: number;
}

const GENERIC_LOGIN_ERROR = "The email or password is incorrect.";

/** The form's answer to an error of signing in or registering. */
function errorState(error: AppError, values: FormState["values"]): FormState {
  if (error.code === "rate_limited" && error.retryAfterSeconds) {
    return { error: `Too many attempts. Try again in ${formatWait(error.retryAfterSeconds)}.`, retryAfterSeconds: error.retryAfterSeconds, values };
  }
  return { error: error.code === "invalid_credentials" ? GENERIC_LOGIN_ERROR : error.message, values };
}

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

async function startSession(signedIn: SignedIn, returnTo: string): Promise<never> {
  (await cookies()).set(sessionCookie(signedIn.sealed, signedIn.session, Date.now()));
  // A session of this user was ended since their last sign-in because its token was used twice:
  // say so first (app/(public)/security-notice), not only in the activity log.
  const suspectedTheft = await getBff().findRefreshReuseNotice(signedIn.session);
  redirect(suspectedTheft ? `/security-notice?returnTo=${encodeURIComponent(returnTo)}` : returnTo);
}

export async function loginAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const email = text(formData, "email");
  const parsed = credentialsSchema.safeParse({ email, password: text(formData, "password") });
  if (!parsed.success) return { error: GENERIC_LOGIN_ERROR, values: { email } };
  let signedIn: SignedIn;
  try {
    signedIn = await getBff().signIn(parsed.data, getRequestContext(await headers()));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return errorState(error, { email });
  }
  return startSession(signedIn, safeReturnTo(formData.get("returnTo")));
}

export async function registerAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const values = { email: text(formData, "email"), name: text(formData, "name") };
  const parsed = registrationSchema.safeParse({ ...values, password: text(formData, "password") });
  if (!parsed.success) {
    // Every field's first problem at once; the password's length too, which the API would check
    // only after the other fields pass.
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= sentenceCase(issue.message);
    const password = text(formData, "password");
    if (password && [...password].length < PASSWORD_MIN_LENGTH) fieldErrors.password ??= `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
    return { error: "Please correct the fields below.", fieldErrors, values };
  }
  let signedIn: SignedIn;
  try {
    signedIn = await getBff().registerAndSignIn(parsed.data, getRequestContext(await headers()));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === "rate_limited") return errorState(error, values);
    const fieldErrors = Object.fromEntries((error.fieldErrors ?? []).map((field) => [field.path, sentenceCase(field.message)]));
    return { error: error.message, fieldErrors, values };
  }
  return startSession(signedIn, safeReturnTo(formData.get("returnTo")));
}
