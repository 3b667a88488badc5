"use server";
/**
 * Sign-in and registration as server actions, so the forms also work without JavaScript. They
 * call the same BFF functions as POST /bff/login and /bff/register. Next.js refuses server
 * actions whose Origin does not match the host, and the cookie is SameSite=Strict.
 */
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionCookie, type SignedIn } from "@/lib/bff";
import { getBff } from "@/lib/wiring";
import { AppError, sentenceCase } from "@/lib/shared/errors";
import { getRequestContext } from "@/lib/shared/request-context";
import { safeReturnTo } from "@/lib/shared/return-to";
import { credentialsSchema, registrationSchema } from "@/lib/shared/schemas";

export interface FormState {
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: { email?: string; name?: string };
}

const GENERIC_LOGIN_ERROR = "The email or password is incorrect.";

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

async function startSession(signedIn: SignedIn, returnTo: string): Promise<never> {
  (await cookies()).set(sessionCookie(signedIn.sealed, signedIn.session, Date.now()));
  redirect(returnTo);
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
    return { error: error.code === "invalid_credentials" ? GENERIC_LOGIN_ERROR : error.message, values: { email } };
  }
  return startSession(signedIn, safeReturnTo(formData.get("returnTo")));
}

export async function registerAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const values = { email: text(formData, "email"), name: text(formData, "name") };
  const parsed = registrationSchema.safeParse({ ...values, password: text(formData, "password") });
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0] ?? "form"), sentenceCase(issue.message)]));
    return { error: "Please correct the fields below.", fieldErrors, values };
  }
  let signedIn: SignedIn;
  try {
    signedIn = await getBff().registerAndSignIn(parsed.data, getRequestContext(await headers()));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const fieldErrors = Object.fromEntries((error.fieldErrors ?? []).map((field) => [field.path, sentenceCase(field.message)]));
    return { error: error.message, fieldErrors, values };
  }
  return startSession(signedIn, safeReturnTo(formData.get("returnTo")));
}
