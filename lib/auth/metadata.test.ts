import { describe, expect, test } from "vitest";
import { getConfig } from "../config";
import { SESSION_SCOPE } from "../shared/scopes";
import { getAuthorizationServerMetadata, getProtectedResourceMetadata, getProtectedResourceMetadataUrl } from "./metadata";

describe("protected resource metadata (RFC 9728)", () => {
  test("names the token audience as the resource and this issuer as its authorization server", () => {
    const metadata = getProtectedResourceMetadata();
    expect(metadata.resource).toBe(getConfig().jwtAudience);
    expect(metadata.authorization_servers).toEqual([getAuthorizationServerMetadata().issuer]);
    expect(metadata.jwks_uri).toBe(getAuthorizationServerMetadata().jwks_uri);
  });

  test("accepts bearer tokens in the header only, with every scope the API checks", () => {
    const metadata = getProtectedResourceMetadata();
    expect(metadata.bearer_methods_supported).toEqual(["header"]);
    expect([...metadata.scopes_supported].sort()).toEqual(SESSION_SCOPE.split(" ").sort());
    // The API does not sign its responses, so it claims no response signing algorithm.
    expect(metadata).not.toHaveProperty("resource_signing_alg_values_supported");
  });

  test("is published at the well-known URL of the app's origin", () => {
    expect(getProtectedResourceMetadataUrl()).toBe(`${getConfig().appOrigin}/.well-known/oauth-protected-resource`);
  });
});
