/** Development data: one demo user. Never run in production (scripts/setup.ts decides). */
import { createUser } from "../lib/auth";
import { getDb } from "../lib/db";

export const DEMO_USER = { email: "demo@keyhole.test", name: "Demo User", password: "keyhole-demo-tangerine-rooftop" } as const;

export async function seedDemoUser(): Promise<void> {
  const existing = await getDb().user.findUnique({ where: { email: DEMO_USER.email } });
  if (!existing) await createUser(DEMO_USER);
  console.log(`Demo user: ${DEMO_USER.email} / ${DEMO_USER.password}`);
}
