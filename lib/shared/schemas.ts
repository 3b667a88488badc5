/** Input schemas shared by the API, the BFF and the browser forms. */
import { z } from "@hono/zod-openapi";
import { PAT_SCOPES } from "./scopes";

export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 100;
export const NOTE_TITLE_MAX_LENGTH = 200;
export const NOTE_BODY_MAX_LENGTH = 10_000;
/** Longer than any valid password (72 bytes) so the byte rule can answer with its own message. */
export const PASSWORD_MAX_INPUT_LENGTH = 1024;

/** Text without NUL bytes or lone UTF-16 surrogates, which databases and logs mishandle. */
export const text = (options: { min?: number; max: number }) =>
  z
    .string()
    .min(options.min ?? 0)
    .max(options.max)
    .refine((value) => !value.includes("\0"), "must not contain NUL characters")
    .refine((value) => value.isWellFormed(), "must be valid Unicode text");

export const emailSchema = text({ max: EMAIL_MAX_LENGTH })
  .pipe(z.string().trim().toLowerCase().email("must be a valid email address"))
  .openapi({ example: "ada@example.com" });

export const passwordSchema = text({ min: 1, max: PASSWORD_MAX_INPUT_LENGTH }).openapi({ example: "a long passphrase of your own" });

/** A display name: trimmed, never blank. */
export const displayNameSchema = text({ min: 1, max: NAME_MAX_LENGTH }).pipe(z.string().trim().min(1, "must not be blank"));

export const registrationSchema = z
  .strictObject({
    email: emailSchema,
    name: displayNameSchema,
    password: passwordSchema,
  })
  .openapi("Registration");

export const passwordChangeSchema = z
  .strictObject({
    currentPassword: passwordSchema,
    newPassword: passwordSchema,
    /** Also revoke every personal access token (they would otherwise outlive the change). */
    revokePersonalAccessTokens: z.boolean().default(false),
  })
  .openapi("PasswordChange");

export const profileUpdateSchema = z.strictObject({ name: displayNameSchema.openapi({ example: "Ada Lovelace" }) }).openapi("ProfileUpdate");

export const reauthenticationSchema = z.strictObject({ password: passwordSchema }).openapi("Reauthentication");

export const credentialsSchema = z.strictObject({ email: emailSchema, password: passwordSchema }).openapi("Credentials");

export const noteInputSchema = z
  .strictObject({
    title: text({ min: 1, max: NOTE_TITLE_MAX_LENGTH }).pipe(z.string().trim().min(1, "must not be blank")),
    body: text({ max: NOTE_BODY_MAX_LENGTH }).default(""),
  })
  .openapi("NoteInput");

export const noteUpdateSchema = z
  .strictObject({
    title: text({ min: 1, max: NOTE_TITLE_MAX_LENGTH }).pipe(z.string().trim().min(1, "must not be blank")).optional(),
    body: text({ max: NOTE_BODY_MAX_LENGTH }).optional(),
  })
  .refine((value) => value.title !== undefined || value.body !== undefined, "give a title or a body to change")
  .openapi("NoteUpdate");

export const publicUserSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), createdAt: z.string().datetime() })
  .openapi("User");

export const noteSchema = z
  .object({ id: z.string(), title: z.string(), body: z.string(), createdAt: z.string().datetime(), updatedAt: z.string().datetime() })
  .openapi("Note");

export const noteListSchema = z.object({ items: z.array(noteSchema), nextCursor: z.string().nullable() }).openapi("NoteList");

/** A signed-in device as its owner sees it. */
export const sessionSchema = z
  .object({
    id: z.string(),
    browser: z.string(),
    device: z.string(),
    ip: z.string().nullable(),
    createdAt: z.string(),
    lastActiveAt: z.string(),
    expiresAt: z.string(),
    /** The session the caller is signed in with. */
    current: z.boolean(),
  })
  .openapi("Session");

/** A personal access token as listed: never the secret, only its first characters. */
export const personalAccessTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.enum(PAT_SCOPES)),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .openapi("PersonalAccessToken");

/**
 * A security event. `type` is one of AuditEventType, published as a string so new kinds can be
 * added. `detail` depends on it: a token's name (pat_*), or for sign_out and session_revoked a
 * JSON object `{ reason, device, ip }` naming the device that was signed out (`ip` and
 * `userAgent` of the event itself are the actor's).
 */
export const auditEventSchema = z
  .object({ id: z.string(), type: z.string(), ip: z.string().nullable(), userAgent: z.string().nullable(), detail: z.string().nullable(), createdAt: z.string() })
  .openapi("ActivityEvent");

export const auditEventPageSchema = z.object({ items: z.array(auditEventSchema), nextCursor: z.string().nullable() }).openapi("ActivityPage");

export type PublicUserDto = z.infer<typeof publicUserSchema>;
export type NoteDto = z.infer<typeof noteSchema>;
export type NoteListDto = z.infer<typeof noteListSchema>;
export type NoteInput = z.input<typeof noteInputSchema>;
export type NoteUpdate = z.input<typeof noteUpdateSchema>;
export type SessionDto = z.infer<typeof sessionSchema>;
export type PersonalAccessTokenDto = z.infer<typeof personalAccessTokenSchema>;
export type AuditEventDto = z.infer<typeof auditEventSchema>;
export type AuditEventPageDto = z.infer<typeof auditEventPageSchema>;
