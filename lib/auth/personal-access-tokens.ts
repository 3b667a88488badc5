/**
 * Personal access tokens, for scripts: `khp_` + 256 random bits (hex) + a CRC32 checksum, so
 * secret scanners recognise them and typos are refused without a database hit. Only a SHA-256
 * hash is stored; the token is shown once. Scopes come from PAT_SCOPES: a PAT can never manage
 * sessions or tokens. Validations are cached for a second (revocation reaches every instance
 * within that), and last-used time is written at most once a minute.
 * Decision record: docs/decisions/012-personal-access-tokens.md
 */
import "server-only";
import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { LRUCache } from "lru-cache";
import { getDb } from "../db";
import { singleton } from "../singleton";
import type { PersonalAccessToken } from "../generated/prisma/client";
import { recordAuditEvent, type RequestContext } from "./audit";
import { sha256 } from "./crypto";
import type { PersonalAccessTokenDto } from "../shared/schemas";
import { PAT_SCOPES, type PatScope } from "../shared/scopes";

export const PAT_PREFIX = "khp_";
const SECRET_HEX_LENGTH = 64;
const CHECKSUM_HEX_LENGTH = 8;
const PAT_PATTERN = new RegExp(`^${PAT_PREFIX}([0-9a-f]{${SECRET_HEX_LENGTH}})([0-9a-f]{${CHECKSUM_HEX_LENGTH}})$`);
/** The part shown in lists so users can tell tokens apart. */
const DISPLAY_PREFIX_LENGTH = PAT_PREFIX.length + 8;
const VALIDATION_CACHE_MS = 1000;
const LAST_USED_RESOLUTION_MS = 60_000;
export const PAT_NAME_MAX_LENGTH = 100;

export interface PatPrincipal {
  tokenId: string;
  userId: string;
  scope: string;
}

function checksum(secretHex: string): string {
  return crc32(secretHex).toString(16).padStart(CHECKSUM_HEX_LENGTH, "0");
}

/** Whether a string is shaped like a PAT with a valid checksum (no database access). */
export function isWellFormedPat(token: string): boolean {
  const match = PAT_PATTERN.exec(token);
  return match !== null && checksum(match[1]!) === match[2];
}

export function toPersonalAccessTokenDto(token: PersonalAccessToken): PersonalAccessTokenDto {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scopes: token.scopes.split(" ").filter(Boolean) as PatScope[],
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
  };
}

export async function createPersonalAccessToken(input: {
  userId: string;
  name: string;
  scopes: PatScope[];
  expiresAt: Date | null;
  context: RequestContext;
}): Promise<{ token: string; record: PersonalAccessTokenDto }> {
  const secretHex = randomBytes(SECRET_HEX_LENGTH / 2).toString("hex");
  const token = `${PAT_PREFIX}${secretHex}${checksum(secretHex)}`;
  // Never more than PAT_SCOPES, whatever the caller asked for.
  const scopes = [...new Set(input.scopes)].filter((scope) => PAT_SCOPES.includes(scope));
  const record = await getDb().personalAccessToken.create({
    data: {
      id: crypto.randomUUID(),
      userId: input.userId,
      name: input.name,
      prefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
      tokenHash: sha256(token),
      scopes: scopes.join(" "),
      expiresAt: input.expiresAt,
    },
  });
  await recordAuditEvent({ type: "pat_created", userId: input.userId, context: input.context, detail: input.name });
  return { token, record: toPersonalAccessTokenDto(record) };
}

export async function listPersonalAccessTokens(userId: string): Promise<PersonalAccessTokenDto[]> {
  const tokens = await getDb().personalAccessToken.findMany({ where: { userId, revokedAt: null }, orderBy: { createdAt: "desc" } });
  return tokens.map(toPersonalAccessTokenDto);
}

/** The id and owner of a PAT by its value (revoked or not), or null. */
export async function findPersonalAccessToken(token: string): Promise<{ id: string; userId: string } | null> {
  if (!isWellFormedPat(token)) return null;
  return getDb().personalAccessToken.findUnique({ where: { tokenHash: sha256(token) }, select: { id: true, userId: true } });
}

export async function revokePersonalAccessToken(userId: string, id: string, context: RequestContext): Promise<boolean> {
  return (await revokeTokensOf(userId, id, context)) > 0;
}

/** Revokes every active token of the user (offered with a password change); returns how many. */
export function revokeAllPersonalAccessTokens(userId: string, context: RequestContext): Promise<number> {
  return revokeTokensOf(userId, undefined, context);
}

/**
 * Revokes the user's active tokens (one when `id` is given); returns how many. Each is audited
 * with its name, which the activity log shows: a token's id means nothing to its owner.
 */
async function revokeTokensOf(userId: string, id: string | undefined, context: RequestContext): Promise<number> {
  const db = getDb();
  const active = await db.personalAccessToken.findMany({ where: { userId, revokedAt: null, ...(id === undefined ? {} : { id }) }, select: { id: true, name: true } });
  if (active.length === 0) return 0;
  const { count } = await db.personalAccessToken.updateMany({ where: { id: { in: active.map((token) => token.id) }, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count > 0) {
    getValidationCache().clear(); // this instance forgets at once; others within VALIDATION_CACHE_MS
    for (const token of active) await recordAuditEvent({ type: "pat_revoked", userId, context, detail: token.name });
  }
  return count;
}

type CachedValidation = { principal: PatPrincipal; expiresAtMs: number | null } | { principal: null };
const getValidationCache = () => singleton("pat-validations", () => new LRUCache<string, CachedValidation>({ max: 10_000, ttl: VALIDATION_CACHE_MS }));

/** The owner and scopes of a valid PAT, or null (malformed, unknown, revoked, expired, user disabled). */
export async function validatePersonalAccessToken(token: string, context: RequestContext, nowMs = Date.now()): Promise<PatPrincipal | null> {
  if (!isWellFormedPat(token)) return null;
  const tokenHash = sha256(token);
  const cache = getValidationCache();
  let cached = cache.get(tokenHash);
  if (!cached) {
    const record = await getDb().personalAccessToken.findUnique({ where: { tokenHash }, include: { user: { select: { disabledAt: true } } } });
    const usable = record && record.revokedAt === null && record.user.disabledAt === null;
    cached = usable
      ? { principal: { tokenId: record.id, userId: record.userId, scope: record.scopes }, expiresAtMs: record.expiresAt?.getTime() ?? null }
      : { principal: null };
    cache.set(tokenHash, cached);
    if (usable && (record.lastUsedAt === null || nowMs - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS)) {
      await markUsed(record, context, nowMs);
    }
  }
  if (!cached.principal || (cached.expiresAtMs !== null && cached.expiresAtMs <= nowMs)) return null;
  return cached.principal;
}

async function markUsed(record: PersonalAccessToken, context: RequestContext, nowMs: number): Promise<void> {
  await getDb().personalAccessToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date(nowMs) } });
  if (record.lastUsedAt === null) {
    await recordAuditEvent({ type: "pat_first_used", userId: record.userId, context, detail: record.name, nowMs });
  }
}
