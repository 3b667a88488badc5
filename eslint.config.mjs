// @ts-check
/**
 * ESLint: typescript-eslint's recommended rules, React's rules of hooks, Next.js's rules, and the
 * import boundaries of DESIGN.md ("Layout rules") and STYLE.md ("Layout"). lib/lint-boundaries.test.ts
 * lints a violating and an allowed import for every boundary, so a rule that stops biting fails a test.
 *
 * The boundaries are ESLint's own `no-restricted-imports` with regular expressions over the import
 * as written. lib/ imports by relative path ("../auth", "../../auth") and app/ by "@/lib/…", so each
 * pattern matches both spellings (see `layer`). A file may match only one `no-restricted-imports`
 * block below: flat config replaces a rule's options, it does not merge them.
 *
 * What lint cannot see (a module imported by a client component becomes client code too, however
 * it is named) `import "server-only"` catches at build time: every module of lib/auth, lib/api and
 * lib/bff (but lib/bff/cookie-name.ts, a constant for proxy.ts), lib/db.ts and lib/notes.ts starts with
 * it. ESLint's no-restricted-imports checks static imports and re-exports, not `import()`; the
 * client component rule below checks both.
 */
import { builtinModules } from "node:module";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/** `lib/<name>` as imported from lib/ ("../name", "../../name/x") or anywhere ("@/lib/name"). */
const LIB = String.raw`^(?:@/lib/|(?:\.\./)+(?:lib/)?)`;
/** Any import of lib/<name>, its index or a module inside it. */
const layer = (/** @type {string} */ name) => `${LIB}${name}(?:/|$)`;
/** An import of a module inside lib/<name> other than its index. */
const deepInto = (/** @type {string} */ name) => String.raw`${LIB}${name}/(?!index(?:\.ts)?$)`;
const APP = String.raw`^(?:@/app/|(?:\.\./)+app/)`;
const NEXT = String.raw`^next(?:/|$)`;

/** What browser code must never import: server layers, secrets, Node.js, server-only APIs. */
const SERVER_ONLY_IMPORTS = [
  { regex: layer("(?:auth|api|bff|db|config|generated|wiring)"), message: "Server-only Keyhole module: browser code reaches the server through lib/client/bff-fetch." },
  { regex: `^(?:node:|(?:${builtinModules.filter((name) => !name.startsWith("_")).join("|")})(?:/|$))`, message: "Node.js built-in: not available in the browser." },
  { regex: String.raw`^(?:server-only|next/headers)$`, message: "Server-only API." },
];

/** The rule for client components, which are told apart by content, not by path. */
const keyholePlugin = {
  meta: { name: "keyhole" },
  rules: {
    /**
     * `no-restricted-imports` for files that begin with the "use client" directive. Lint rules are
     * chosen by path, and client and server components share app/ and the .tsx extension: server
     * pages and layouts there legitimately import "@/lib/bff". Renaming every client component to
     * a naming convention would churn the app to please a linter; reading the directive — the
     * same signal Next.js uses — is exact and costs nothing.
     */
    "client-component-imports": {
      meta: {
        type: "problem",
        docs: { description: 'Forbid imports in files that start with "use client"' },
        schema: [
          {
            type: "array",
            items: {
              type: "object",
              properties: { regex: { type: "string" }, message: { type: "string" } },
              required: ["regex", "message"],
              additionalProperties: false,
            },
          },
        ],
        messages: { restricted: "'{{source}}' may not be imported by a client component. {{reason}}" },
      },
      create(context) {
        const [first] = context.sourceCode.ast.body;
        if (first?.type !== "ExpressionStatement" || !("directive" in first) || first.directive !== "use client") return {};
        const patterns = (context.options[0] ?? []).map(({ regex, message }) => ({ regex: new RegExp(regex), message }));
        /** @param {{ source?: unknown }} node */
        const check = (node) => {
          const source = /** @type {import("estree").Literal | null | undefined} */ (node.source);
          if (source?.type !== "Literal" || typeof source.value !== "string") return;
          const hit = patterns.find(({ regex }) => regex.test(/** @type {string} */ (source.value)));
          if (hit) context.report({ node: source, messageId: "restricted", data: { source: source.value, reason: hit.message } });
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

export default defineConfig(
  globalIgnores([".next/", "lib/generated/", "next-env.d.ts", "test-results/", "playwright-report/", ".tmp/", "e2e/.data/", "bench/apps/"]),
  {
    files: ["**/*.{ts,tsx,mjs}"],
    extends: [tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2024, sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `const { d: _private, ...publicJwk } = jwk` is how this code drops fields: a leading underscore marks it.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // Plain .mjs files are not type-checked, so ESLint's own no-undef is their safety net.
    files: ["**/*.mjs"],
    languageOptions: {
      globals: Object.fromEntries(
        ["process", "console", "URL", "Buffer", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "performance", "fetch", "AbortController", "structuredClone", "globalThis"].map((name) => [name, "readonly"]),
      ),
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "lib/client/**/*.ts"],
    extends: [reactHooks.configs.flat["recommended-latest"]],
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    extends: [nextPlugin.configs["core-web-vitals"]],
  },

  // ---- Import boundaries (DESIGN.md "Layout rules") ----
  {
    // The token service: plain TypeScript over Prisma, usable without Next.js, below the API and the BFF.
    files: ["lib/auth/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { regex: NEXT, message: "lib/auth imports nothing from Next.js." },
          { regex: layer("(?:bff|api)"), message: "lib/auth sits below lib/api and lib/bff and imports neither." },
          { regex: APP, message: "lib/auth imports nothing from app/." },
        ],
      }],
    },
  },
  {
    // The API: a Hono app that any runtime can mount; the BFF is one of its callers, not a dependency.
    files: ["lib/api/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { regex: NEXT, message: "lib/api imports nothing from Next.js; app/api/v1 mounts it." },
          { regex: layer("bff"), message: "lib/api imports nothing from lib/bff." },
          { regex: deepInto("auth"), message: "Import lib/auth through its index (\"../auth\"), which is its public surface." },
          { regex: APP, message: "lib/api imports nothing from app/." },
        ],
      }],
    },
  },
  {
    // The BFF: gets the API and the session store from createBff (wired in lib/wiring.ts), so it
    // imports neither layer; another upstream or session store plugs in without edits here.
    files: ["lib/bff/**"],
    // Its tests drive the BFF as wired in production, against the real API and session store.
    ignores: ["lib/bff/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { regex: layer("(?:auth|api|db|wiring)"), message: "lib/bff receives the API and the session store through createBff (lib/wiring.ts); it imports neither layer." },
          { regex: APP, message: "lib/bff imports nothing from app/." },
        ],
      }],
    },
  },
  {
    // Browser code, and code shared with the browser.
    files: ["lib/client/**", "lib/shared/**"],
    rules: { "no-restricted-imports": ["error", { patterns: SERVER_ONLY_IMPORTS }] },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    plugins: { keyhole: keyholePlugin },
    rules: { "keyhole/client-component-imports": ["error", SERVER_ONLY_IMPORTS] },
  },
  {
    // Route handlers stay thin: parse, call one lib/ function through a layer's index, shape the answer.
    files: ["app/**/route.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { regex: String.raw`^@/lib/[^/]+/`, message: "A route handler imports a lib/ layer's index (\"@/lib/bff\"), not a module inside it." },
          { regex: String.raw`^\.`, message: "A route handler imports lib/ layers as \"@/lib/<layer>\" and packages, nothing by relative path." },
          { regex: String.raw`^@/lib/(?:db|generated)(?:/|$)`, message: "A route handler does not touch the database; call a lib/ layer." },
        ],
      }],
    },
  },
);
