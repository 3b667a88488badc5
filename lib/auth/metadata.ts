/** RFC 8414 authorization server metadata. */
import { getConfig } from "../config";

export function getAuthorizationServerMetadata() {
  const { jwtIssuer, appOrigin } = getConfig();
  return {
    issuer: jwtIssuer,
    token_endpoint: `${appOrigin}/api/v1/auth/token`,
    revocation_endpoint: `${appOrigin}/api/v1/auth/revoke`,
    jwks_uri: `${appOrigin}/.well-known/jwks.json`,
    grant_types_supported: ["password", "refresh_token"],
    token_endpoint_auth_methods_supported: ["client_secret_basic"],
    revocation_endpoint_auth_methods_supported: ["client_secret_basic"],
    response_types_supported: [],
    scopes_supported: ["profile:read", "notes:read", "notes:write", "sessions:manage", "tokens:manage"],
    service_documentation: `${appOrigin}/docs/api`,
  };
}
