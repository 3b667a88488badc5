/** Small wrappers over node:crypto shared by the token service. */
import "server-only";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A random secret of `bytes` bytes (default 256 bits), base64url. */
export function generateSecretToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** SHA-256, base64url: enough for high-entropy tokens (no salt or slow hash needed). */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

export function hmacSha256(key: string, value: string): string {
  return createHmac("sha256", key).update(value).digest("base64url");
}

/** Constant-time string comparison (hashes both sides so lengths never leak). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}
