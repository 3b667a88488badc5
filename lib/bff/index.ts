import "server-only";
export { handleApiProxy, handleLogin, handleLogout, handleReauth, handleRegister, handleSession } from "./handlers";
export { getCurrentSession, requireSession } from "./current-session";
export { sessionCookie, SESSION_COOKIE_NAME, type BffSession, type SessionUser } from "./session-cookie";
export { registerAndSignIn, signIn, type SignedIn } from "./sign-in";
