/**
 * The import boundaries in eslint.config.mjs still bite: for each one, a violating import is an
 * error and an allowed import is not. Lints source text at paths that need not exist.
 */
import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const BOUNDARY_RULES = new Set(["no-restricted-imports", "keyhole/client-component-imports"]);
let eslint: ESLint;

beforeAll(async () => {
  eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, "eslint.config.mjs") });
  await eslint.lintText("export {};\n", { filePath: path.join(ROOT, "lib/auth/warm-up.ts") });
});

/** The boundary errors for `code` linted as the file at `file` (relative to the repository). */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  expect(result, `${file} was not linted`).toBeDefined();
  const messages = result!.messages;
  expect(messages.filter((message) => message.fatal), "the snippet did not parse").toEqual([]);
  return messages.filter((message) => BOUNDARY_RULES.has(message.ruleId ?? "")).map((message) => message.ruleId!);
}

const importOf = (source: string) => `import "${source}";\n`;
const USE_CLIENT = '"use client";\n';

type Case = [file: string, source: string];

function expectBoundary(name: string, { refused, allowed, prefix = "" }: { refused: Case[]; allowed: Case[]; prefix?: string }) {
  describe(name, () => {
    it.each(refused)("%s may not import %s", async (file, source) => {
      expect(await boundaryErrors(file, prefix + importOf(source))).toHaveLength(1);
    });
    it.each(allowed)("%s may import %s", async (file, source) => {
      expect(await boundaryErrors(file, prefix + importOf(source))).toEqual([]);
    });
  });
}

expectBoundary("lib/auth imports nothing from Next.js, lib/api, lib/bff or app/", {
  refused: [
    ["lib/auth/users.ts", "next/server"],
    ["lib/auth/users.ts", "next"],
    ["lib/auth/users.ts", "../bff"],
    ["lib/auth/users.ts", "../bff/session-cookie"],
    ["lib/auth/users.ts", "../api"],
    ["lib/auth/users.ts", "@/lib/api/app"],
    ["lib/auth/nested/module.ts", "../../bff"],
    ["lib/auth/users.ts", "@/app/(app)/layout"],
  ],
  allowed: [
    ["lib/auth/users.ts", "../config"],
    ["lib/auth/users.ts", "../db"],
    ["lib/auth/users.ts", "./sessions"],
    ["lib/auth/users.ts", "../shared/errors"],
    ["lib/auth/users.ts", "jose"],
  ],
});

expectBoundary("lib/api imports nothing from lib/bff or Next.js, and lib/auth only through its index", {
  refused: [
    ["lib/api/routes/notes.ts", "../../bff"],
    ["lib/api/app.ts", "../bff/handlers"],
    ["lib/api/app.ts", "next/server"],
    ["lib/api/routes/notes.ts", "../../auth/sessions"],
  ],
  allowed: [
    ["lib/api/routes/notes.ts", "../../auth"],
    ["lib/api/app.ts", "../auth/index"],
    ["lib/api/routes/notes.ts", "../router"],
    ["lib/api/app.ts", "hono"],
  ],
});

expectBoundary("lib/bff imports neither lib/auth nor lib/api: it is given them by createBff", {
  refused: [
    ["lib/bff/session-cookie.ts", "../auth/sessions"],
    ["lib/bff/session-cookie.ts", "../auth"],
    ["lib/bff/upstream.ts", "../api"],
    ["lib/bff/upstream.ts", "../api/app"],
    ["lib/bff/upstream.ts", "@/lib/auth/revocations"],
    ["lib/bff/handlers.ts", "../db"],
    ["lib/bff/handlers.ts", "../wiring"],
    ["lib/bff/upstream.ts", "@/app/(app)/layout"],
  ],
  allowed: [
    ["lib/bff/create-bff.ts", "./dependencies"],
    ["lib/bff/handlers.ts", "next/server"],
    ["lib/bff/handlers.ts", "./session-cookie"],
    ["lib/bff/handlers.ts", "../config"],
  ],
});

expectBoundary("browser code in lib/client and lib/shared imports no server module", {
  refused: [
    ["lib/client/hooks/use-notes.ts", "../../bff"],
    ["lib/client/bff-fetch.ts", "../auth"],
    ["lib/client/bff-fetch.ts", "@/lib/api"],
    ["lib/client/bff-fetch.ts", "@/lib/config"],
    ["lib/shared/errors.ts", "../db"],
    ["lib/shared/errors.ts", "../generated/prisma/client"],
    ["lib/client/bff-fetch.ts", "node:crypto"],
    ["lib/client/bff-fetch.ts", "crypto"],
    ["lib/shared/errors.ts", "server-only"],
    ["lib/client/bff-fetch.ts", "next/headers"],
  ],
  allowed: [
    ["lib/client/hooks/use-notes.ts", "../../shared/query-keys"],
    ["lib/client/hooks/use-notes.ts", "../bff-fetch"],
    ["lib/client/hooks/use-notes.ts", "@tanstack/react-query"],
    ["lib/shared/schemas.ts", "./scopes"],
    ["lib/shared/schemas.ts", "zod"],
  ],
});

expectBoundary('client components ("use client") import no server module', {
  prefix: USE_CLIENT,
  refused: [
    ["app/(app)/notes/notes-view.tsx", "@/lib/bff"],
    ["app/(app)/notes/notes-view.tsx", "@/lib/wiring"],
    ["app/(app)/notes/notes-view.tsx", "@/lib/auth"],
    ["app/(app)/notes/notes-view.tsx", "@/lib/api"],
    ["app/(app)/notes/notes-view.tsx", "@/lib/db"],
    ["app/(app)/notes/notes-view.tsx", "@/lib/config"],
    ["app/(app)/notes/notes-view.tsx", "node:fs"],
    ["app/(app)/notes/notes-view.tsx", "server-only"],
    ["app/(app)/helpers.ts", "@/lib/bff"],
  ],
  allowed: [
    ["app/(app)/notes/notes-view.tsx", "@/lib/client/bff-fetch"],
    ["app/(app)/notes/notes-view.tsx", "@/lib/shared/errors"],
    ["app/(app)/notes/notes-view.tsx", "next/link"],
    ["app/(app)/notes/notes-view.tsx", "../errors"],
  ],
});

expectBoundary("server components and server actions in app/ may use the server layers", {
  refused: [],
  allowed: [
    ["app/(app)/layout.tsx", "@/lib/wiring"],
    ["app/(app)/layout.tsx", "@/lib/bff"],
    ["app/(app)/settings/tokens/page.tsx", "@/lib/config"],
    ["app/(public)/actions.ts", "@/lib/bff"],
  ],
});

expectBoundary("route handlers import a lib/ layer only through its index", {
  refused: [
    ["app/bff/login/route.ts", "@/lib/bff/handlers"],
    ["app/.well-known/jwks.json/route.ts", "@/lib/auth/access-tokens"],
    ["app/bff/login/route.ts", "../../../lib/bff"],
    ["app/bff/login/route.ts", "@/lib/db"],
  ],
  allowed: [
    ["app/bff/login/route.ts", "@/lib/wiring"],
    ["app/bff/login/route.ts", "@/lib/bff"],
    ["app/.well-known/jwks.json/route.ts", "@/lib/auth"],
    ["app/api/v1/[[...route]]/route.ts", "@/lib/api"],
    ["app/bff/login/route.ts", "next/server"],
  ],
});

describe("the client component rule", () => {
  it("also refuses re-exports and dynamic imports of server modules", async () => {
    const code = `${USE_CLIENT}export { getCurrentSession } from "@/lib/bff";\nexport const load = () => import("@/lib/db");\n`;
    expect(await boundaryErrors("app/(app)/notes/notes-view.tsx", code)).toHaveLength(2);
  });

  it("applies only when the directive comes first, as Next.js reads it", async () => {
    const code = `import "@/lib/bff";\n${USE_CLIENT}`;
    expect(await boundaryErrors("app/(app)/notes/notes-view.tsx", code)).toEqual([]);
  });
});
