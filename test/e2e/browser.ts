/** Browser-test helpers: the system Chromium through playwright-core, axe-core checks, and screenshots. */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

/** Where screenshots go (git-ignored), one PNG per step, for a reviewer to look at. */
export const SCREENSHOTS = join("test", "e2e", "screenshots");

/** Starts the system Chromium (Debian's `chromium` package, or the browser at CHROME_PATH). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROME_PATH ?? "/usr/bin/chromium";
  try {
    return await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
  } catch (error) {
    throw new Error(
      `Chromium did not start from ${executablePath}: install it (apt-get install chromium) or set CHROME_PATH.\n${error}`,
    );
  }
}

/** Saves a full-page screenshot named after the step. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const axeSource: string = createRequire(import.meta.url)("axe-core").source;

/** A violation as reported: rule id, impact and the first offending elements. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/** Runs axe-core on the page and returns its serious and critical violations (WCAG 2.x A/AA rules). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    // This runs in the page, where axe was just injected; the Node-side types know no DOM.
    // biome-ignore lint/suspicious/noExplicitAny: the page's global object.
    const page = globalThis as any;
    const result = await page.axe.run(page.document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map(
      (v: { id: string; impact: string | null; nodes: { target: string[] }[] }) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      }),
    );
  });
  return (violations as AxeViolation[]).filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Saves the step's screenshot, then fails on any serious or critical axe-core violation of the page. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousViolations(page), name).toEqual([]);
}
