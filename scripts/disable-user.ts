/** Disables an account from the command line:  npm run user:disable -- someone@example.com */
import nextEnv from "@next/env";

const { loadEnvConfig } = nextEnv;

const email = process.argv[2];
if (!email) {
  console.error("Usage: npm run user:disable -- <email>");
  process.exit(1);
}
loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { disableUser } = await import("../lib/auth");
const disabled = await disableUser(email, { ip: null, userAgent: "scripts/disable-user" });
console.log(disabled ? `Disabled ${email}; its sessions are revoked.` : `No enabled account for ${email}.`);
process.exit(0);
