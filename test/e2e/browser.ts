import fs from 'node:fs';
import path from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type BrowserServer,
  chromium,
  type Page,
} from 'playwright-core';

/** Debian's Chromium: the browser the end-to-end tests drive (`apt-get install chromium`). */
const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where each flow's final screenshot goes (ignored by git). */
const RESULTS_DIR = path.resolve('test-results');

/**
 * Whether Chromium is installed here. CI sets ROSTER_REQUIRE_BROWSER=1 so a missing one fails instead.
 * @public
 */
export function browserAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/**
 * True when the e2e suite must be skipped: no Chromium and CI did not ask for one. With
 * ROSTER_REQUIRE_BROWSER=1 this is false, so the suite runs and fails loudly at launch.
 */
export function skipWithoutBrowser(): boolean {
  if (browserAvailable() || process.env.ROSTER_REQUIRE_BROWSER === '1') return false;
  console.warn(
    `Skipping the end-to-end tests: no Chromium at ${CHROMIUM_PATH}. Install it with ` +
      '`apt-get install -y chromium`; set ROSTER_REQUIRE_BROWSER=1 to make its absence a failure.',
  );
  return true;
}

/** What a test file fails with when CI asked for Chromium (ROSTER_REQUIRE_BROWSER=1) and there is none. */
export function missingBrowser(): Error {
  return new Error(`ROSTER_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}. Install it.`);
}

/**
 * Launches headless Chromium with nothing that reaches out to the network on its own, once for the whole
 * run (e2e-setup.ts): each test file connects to it (`connectBrowser` in fixtures.ts) instead of starting
 * its own, and makes its profiles with `newContext`.
 */
export async function launchBrowserServer(): Promise<BrowserServer> {
  if (!browserAvailable()) throw missingBrowser();
  return chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser profile, as a person who asked for reduced motion unless `options` says otherwise: the
 * console then opens menus and dialogs without animating them. Animated, a click could be lost under
 * load: its press landed on a menu item or button and its release, a few milliseconds later, beside it as
 * the popup grew, so the browser sent the click to what holds both (the menu, the dialog's frame) and
 * nothing happened. Playwright emulates "no-preference" unless told, whatever Chromium's own flags say.
 */
export async function newContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  return browser.newContext({ reducedMotion: 'reduce', ...options });
}

/**
 * Saves the page as `test-results/<name>.png` and returns the path, to look at after the run. The whole
 * page by default; `window` captures only what is in view, for a page holding an open popup: a full-page
 * capture resizes the window for a moment, and antd's pickers close on that.
 */
export async function screenshot(page: Page, name: string, { window = false } = {}): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: !window });
  return file;
}
