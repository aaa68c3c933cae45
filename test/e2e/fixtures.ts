import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer } from '../support/server.js';

/** The owner every flow sets up; the password satisfies the policy (letters, digits, not common). */
export const OWNER = {
  name: 'Ada Lovelace',
  username: 'ada',
  password: 'analytical2engine',
} as const;

export const ORGANIZATION = { name: 'Acme Robotics', domain: 'acme.example' } as const;

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** Starts Roster for one test file, after checking that the console it serves has been built. */
export async function startServer(): Promise<TestServer> {
  if (!fs.existsSync(path.resolve('web/dist/index.html'))) {
    throw new Error('The console is not built: run `npm run build:web` before the end-to-end tests.');
  }
  return startTestServer();
}

/**
 * First-run setup through the API, for flows that start after it. (The setup itself is clicked
 * through in first-run.e2e.test.ts.)
 */
export async function setUpThroughApi(server: TestServer): Promise<void> {
  const response = await fetch(`${server.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      code: server.setupCode,
      organization: ORGANIZATION,
      owner: { name: OWNER.name, username: OWNER.username, password: OWNER.password },
    }),
  });
  if (response.status !== 201) throw new Error(`Setup answered ${response.status}: ${await response.text()}`);
}

/** A page in a fresh browser profile at the narrowest supported width, recording uncaught errors. */
export async function openPage(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page, pageErrors };
}

/** Signs in on /sign-in as a person would. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('Username, email or phone').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
