/**
 * axe-core (WCAG 2.0, 2.1 and 2.2 A and AA rules) on every page and state in
 * e2e/support/page-states.ts, at a desktop and a phone width; any violation fails the test.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, registerAccount, SIGNED_OUT, signInContext, test } from "./fixtures";
import { PAGE_STATES } from "./support/page-states";

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

test.use({ storageState: SIGNED_OUT });

/** One line per offending element: what is wrong, where, and axe's summary of the fix. */
async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return results.violations.flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id} (${violation.impact}) at ${node.target.join(" ")}: ${node.failureSummary?.replace(/\s+/g, " ")}`),
  );
}

for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
  test.describe(`at ${viewportName} width`, () => {
    test.use({ viewport });

    for (const state of PAGE_STATES) {
      test(`${state.name} has no axe violations (${viewportName})`, async ({ page, context, servers, apiFor }) => {
        if (state.server) test.slow();
        const origin = servers[state.server ?? "main"];
        const account = await registerAccount(await apiFor(state.server ?? "main"), { name: "Ada Lovelace" });
        if (state.as !== "visitor") await signInContext(context, origin, account);
        await page.goto(`${origin}${state.path}`);
        await state.act?.(page, account);
        await expect((state.ready ?? ((current: Page) => current.getByRole("heading", { level: 1 })))(page).first()).toBeVisible({ timeout: state.server ? 20_000 : 5_000 });
        expect(await axeViolations(page)).toEqual([]);
      });
    }
  });
}
