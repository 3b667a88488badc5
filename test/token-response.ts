/** RFC 6749 §5.1 token response, as the API's token endpoint answers it (shared by both test suites). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
}
