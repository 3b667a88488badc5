/**
 * The header in which the first-party BFF, authenticated as the confidential client, tells the
 * API the browser's address (for rate limits and the activity log). The API trusts it from that
 * client alone.
 */
export const CLIENT_IP_HEADER = "keyhole-client-ip";
