/** Headless Chromium for the page tests: Debian's `chromium` package, driven by playwright-core. */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import type { TestContext } from "vitest";

const CHROMIUM = "/usr/bin/chromium";

/**
 * Launches headless Chromium, or skips the test with the printed reason when it is missing; with
 * `PIPE_REQUIRE_SERVICES=1` (CI, which installs it) a missing Chromium fails the test instead.
 */
export async function launch(ctx: TestContext): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) {
    const reason = `${CHROMIUM} is missing (install: apt-get update && apt-get install -y chromium)`;
    if (process.env.PIPE_REQUIRE_SERVICES === "1")
      throw new Error(`PIPE_REQUIRE_SERVICES=1, so the browser tests may not skip: ${reason}`);
    console.warn(`[browser] skipped: ${reason}`);
    ctx.skip(reason);
    return undefined;
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}
