/** The token service's public surface: everything else in lib/auth is internal. */
import "server-only";
export { validateAccessToken, getPublicJwks, type AccessTokenClaims } from "./access-tokens";
export { listAuditEvents, recordAuditEvent, type RequestContext } from "./audit";
export { authenticateClient, exchangePasswordGrant, requireClient, exchangeRefreshGrant, revokeToken, type TokenSet } from "./grants";
export { startHousekeeping } from "./housekeeping";
export { warmUpPasswords, PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from "./passwords";
export { REFRESH_TOKEN_PREFIX } from "./refresh-tokens";
export { isSessionRevoked, refreshRevocations } from "./revocations";
export { hasScope, SESSION_SCOPE, type Scope } from "../shared/scopes";
export {
  findRefreshReuseSincePreviousSignIn,
  findRevocationReason,
  listUserSessions,
  revokeOtherSessions,
  revokeSession,
  revokeUserSession,
} from "./sessions";
export { changePassword, reauthenticateSession, createUser, deleteUser, disableUser, updateUserName, findUserById, normalizeEmail, registerUser, toPublicUser, type PublicUser } from "./users";
export { getAuthorizationServerMetadata, getProtectedResourceMetadata, getProtectedResourceMetadataUrl } from "./metadata";
export {
  createPersonalAccessToken,
  listPersonalAccessTokens,
  PAT_NAME_MAX_LENGTH,
  PAT_PREFIX,
  revokePersonalAccessToken,
  validatePersonalAccessToken,
} from "./personal-access-tokens";
export { PAT_SCOPES } from "../shared/scopes";
