/**
 * `npm test` runs this before the Playwright step: it prints the path of the Chromium to launch
 * (the only line on stdout; progress goes to stderr), installing one when there is none
 * (scripts/find-browser.ts says in which order). Exits 3 with one message saying how to get a
 * browser when it cannot; 2 when KEYHOLE_CHROMIUM names something that cannot run.
 *
 *   tsx scripts/ensure-browser.ts [--no-install]
 */
import path from "node:path";
import { ensureBrowser, ExplicitBrowserError, findBrowser, NO_BROWSER_EXIT_CODE, noBrowserMessage } from "./find-browser";

const projectRoot = path.resolve(import.meta.dirname, "..");
const sourceNames = { explicit: "KEYHOLE_CHROMIUM", playwright: "Playwright's own Chromium", system: "the system's Chromium" };

async function main(): Promise<number> {
  try {
    if (process.argv.includes("--no-install")) {
      const found = await findBrowser();
      if (!found) {
        console.error(noBrowserMessage());
        return NO_BROWSER_EXIT_CODE;
      }
      console.error(`Using ${sourceNames[found.source]}: ${found.executablePath}`);
      console.log(found.executablePath);
      return 0;
    }
    const result = await ensureBrowser({ playwrightCli: path.join(projectRoot, "node_modules", ".bin", "playwright") });
    if (!result.ok) {
      console.error(result.message);
      return NO_BROWSER_EXIT_CODE;
    }
    const how = result.installedBy ? `, just installed by ${result.installedBy === "apt" ? "apt-get" : "Playwright"}` : "";
    console.error(`Using ${sourceNames[result.source]}${how}: ${result.executablePath}`);
    console.log(result.executablePath);
    return 0;
  } catch (error) {
    if (error instanceof ExplicitBrowserError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
