/** Users: registration, lookup, the public profile. */
import { AppError } from "../shared/errors";
import { getDb } from "../db";
import type { User } from "../generated/prisma/client";
import type { RequestContext } from "../shared/request-context";
import { recordAuditEvent } from "./audit";
import { findPasswordProblem, hashPassword } from "./passwords";
import { consumeRegistration } from "./rate-limits";

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

/** Emails are compared trimmed, NFC-normalised and case-folded. */
export function normalizeEmail(email: string): string {
  return email.normalize("NFC").trim().toLowerCase();
}

export function toPublicUser(user: User): PublicUser {
  return { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt.toISOString() };
}

export async function createUser(input: { email: string; name: string; password: string }): Promise<User> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  const problem = await findPasswordProblem(input.password, [email, email.split("@")[0]!, name]);
  if (problem) throw new AppError("weak_password", { errors: [{ path: "password", message: problem }] });
  const passwordHash = await hashPassword(input.password);
  try {
    return await getDb().user.create({ data: { id: crypto.randomUUID(), email, name, passwordHash } });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError("email_taken", { errors: [{ path: "email", message: "An account with this email already exists." }] });
    }
    throw error;
  }
}

/** Registration from outside: rate limited per client IP and recorded in the activity log. */
export async function registerUser(input: { email: string; name: string; password: string }, context: RequestContext): Promise<User> {
  await consumeRegistration(context);
  const user = await createUser(input);
  await recordAuditEvent({ type: "user_registered", userId: user.id, context });
  return user;
}

export async function findUserByEmail(email: string): Promise<User | null> {
  return getDb().user.findUnique({ where: { email: normalizeEmail(email) } });
}

export async function findUserById(id: string): Promise<User | null> {
  return getDb().user.findUnique({ where: { id } });
}
