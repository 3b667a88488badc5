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

/** WCAG contrast ratio of two computed `rgb(…)` colours (opaque). */
function contrastRatio(first: string, second: string): number {
  const luminance = (color: string) => {
    const [red, green, blue] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((channel) => {
      const value = Number(channel) / 255;
      return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * red! + 0.7152 * green! + 0.0722 * blue!;
  };
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

test("focus rings and input borders reach 3:1, a focused tab's ring is not clipped, and checkboxes are 24×24", async ({ page, context, baseURL, account }) => {
  await signInContext(context, baseURL!, account);
  await page.goto("/notes");
  const pageBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const title = page.getByRole("region", { name: "New note" }).getByLabel("Title");
  expect(contrastRatio(await title.evaluate((element) => getComputedStyle(element).borderTopColor), pageBackground)).toBeGreaterThanOrEqual(3);
  expect(contrastRatio(await title.evaluate((element) => getComputedStyle(element).borderTopColor), "rgb(255, 255, 255)")).toBeGreaterThanOrEqual(3);

  // Keyboard focus (focus-visible) on a button, a field and a link.
  for (const target of [page.getByRole("button", { name: "Add note" }), title, page.getByRole("link", { name: "Settings" })]) {
    await target.focus();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    const ring = await target.evaluate((element) => {
      const style = getComputedStyle(element);
      return { color: style.outlineColor, width: parseFloat(style.outlineWidth), style: style.outlineStyle };
    });
    expect(ring.style).toBe("solid");
    expect(ring.width).toBeGreaterThanOrEqual(2);
    expect(contrastRatio(ring.color, pageBackground)).toBeGreaterThanOrEqual(3);
    expect(contrastRatio(ring.color, "rgb(255, 255, 255)")).toBeGreaterThanOrEqual(3);
  }

  // The settings tabs scroll sideways (overflow clips outlines): the ring is drawn inside the link.
  await page.goto("/settings/tokens");
  const tab = page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Tokens" });
  await tab.focus();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  await expect(tab).toBeFocused();
  const inset = await tab.evaluate((element) => parseFloat(getComputedStyle(element).outlineOffset) + parseFloat(getComputedStyle(element).outlineWidth));
  expect(inset).toBeLessThanOrEqual(0);

  for (const checkbox of await page.getByRole("checkbox").all()) {
    const box = (await checkbox.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(24);
    expect(box.height).toBeGreaterThanOrEqual(24);
  }
});
