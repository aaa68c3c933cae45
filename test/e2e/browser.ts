import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

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

/**
 * Launches headless Chromium with nothing that reaches out to the network on its own, as a person who asked
 * for reduced motion: the console then opens dialogs without animating them, so a flow waits for nothing
 * but the server (a context may emulate `reducedMotion: 'no-preference'` to see the animations).
 */
export async function launchBrowser(): Promise<Browser> {
  if (!browserAvailable()) {
    throw new Error(`ROSTER_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}. Install it.`);
  }
  return chromium.launch({
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
      '--force-prefers-reduced-motion',
    ],
  });
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
