/** RFC 8414 authorization server metadata and RFC 9728 protected resource metadata. */
import "server-only";
import { getConfig } from "../config";
import { ALL_SCOPES } from "../shared/scopes";

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
    scopes_supported: ALL_SCOPES,
    service_documentation: `${appOrigin}/docs/api`,
  };
}

/** Where the API's RFC 9728 metadata is published; named in its bearer challenges (§5.1). */
export function getProtectedResourceMetadataUrl(): string {
  return `${getConfig().appOrigin}/.well-known/oauth-protected-resource`;
}

/**
 * RFC 9728 metadata of the API. No resource_signing_alg_values_supported: the API does not sign
 * its responses. jwks_uri is the key set its access tokens are verified with.
 */
export function getProtectedResourceMetadata() {
  const { jwtIssuer, jwtAudience, appOrigin } = getConfig();
  return {
    resource: jwtAudience,
    authorization_servers: [jwtIssuer],
    jwks_uri: `${appOrigin}/.well-known/jwks.json`,
    bearer_methods_supported: ["header"],
    scopes_supported: ALL_SCOPES,
    resource_name: "Keyhole API",
    resource_documentation: `${appOrigin}/docs/api`,
  };
}
