/**
 * Another instance, as far as this process can tell: a process of its own, on the same database
 * (the environment it is started with), revokes a session the way the API does and says when the
 * revocation committed:
 *   tsx --conditions=react-server test/revoke-in-another-process.ts <sessionId>
 * prints `committed <epoch ms>`.
 */
import { revokeSession } from "../lib/auth/sessions";
import { getDb } from "../lib/db";

const sessionId = process.argv[2];
if (!sessionId) throw new Error("usage: revoke-in-another-process.ts <sessionId>");
await revokeSession(sessionId, "revoked_by_user");
console.log(`committed ${Date.now()}`);
await getDb().$disconnect();
