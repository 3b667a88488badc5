/** `__Host-`: the browser only accepts it with Secure, Path=/ and no Domain. Kept tiny for proxy.ts. */
export const SESSION_COOKIE_NAME = "__Host-keyhole";
