import fs from 'node:fs';
import path from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Download,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { hashPassword } from '../../src/features/accounts/passwords.js';
import { addMember, createAccount } from '../support/factories.js';
import { later } from '../support/harness.js';
import { startTestServer } from '../support/server.js';
import { missingBrowser, newContext } from './browser.js';

/** The owner every flow sets up; the password satisfies the policy (letters, digits, not common). */
export const OWNER = {
  name: 'Ada Lovelace',
  username: 'ada',
  password: 'analytical2engine',
} as const;

export const ORGANIZATION = { name: 'Acme Robotics', domain: 'acme.example' } as const;

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/**
 * Starts Roster for one test file, after checking that the console it serves has been built; `env` is
 * what an operator would set (ORG_CREATION …).
 */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  if (!fs.existsSync(path.resolve('web/dist/index.html'))) {
    throw new Error('The console is not built: run `npm run build:web` before the end-to-end tests.');
  }
  return startTestServer(env);
}

/**
 * The run's Chromium (launched once in e2e-setup.ts), for one test file; closing what this answers closes
 * the file's profiles, not the browser.
 */
export async function connectBrowser(): Promise<Browser> {
  const endpoint = inject('browserEndpoint');
  if (!endpoint) throw missingBrowser();
  return chromium.connect(endpoint);
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

/**
 * A page in a fresh browser profile at the narrowest supported width, recording uncaught errors; `options`
 * changes what the profile emulates.
 */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await newContext(browser, {
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    ...options,
  });
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

/**
 * A fresh browser profile signed in through /sign-in; resolves once the console has opened where a
 * person lands: Members & Departments for an admin, the overview for others, /orgs/new without an org.
 */
export async function signedInPage(
  browser: Browser,
  server: TestServer,
  login: string,
  password: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const opened = await openPage(browser, options);
  await opened.page.goto(`${server.url}/sign-in`);
  await signIn(opened.page, login, password);
  await opened.page.waitForURL(/\/orgs\/(new|[0-9a-f-]{36}(\/departments)?)$/);
  return opened;
}

/** Opens a page from the left navigation and waits for its title (the page's h1). */
export async function openFromNavigation(page: Page, link: string, title = link): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: link }).click();
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
}

/** Opens the signed-in person's menu in the top bar and picks one of its items. */
export async function chooseFromUserMenu(page: Page, name: string, item: string): Promise<void> {
  await page.getByRole('button', { name: `Account menu for ${name}` }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

/**
 * Opens a menu from its button (a row's "More actions", a department's "…") and picks one of its items,
 * for every menu whose item opens a dialog. The profile does not animate (newContext): an item stays
 * where it was drawn between the press and the release of the click.
 */
export async function chooseFromMenu(page: Page, button: Locator, item: string): Promise<void> {
  await button.click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

/** Picks an item of a department's "…" menu in the tree. */
export async function chooseDepartmentAction(page: Page, department: string, item: string): Promise<void> {
  await chooseFromMenu(
    page,
    page.getByRole('button', { name: `Actions for ${department}`, exact: true }),
    item,
  );
}

/** What the browser saved for a download, as text; read through Playwright, the browser being shared. */
export async function downloadedText(download: Download): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The organization id in the address of an organization's page. */
export function orgIdOf(page: Page): string {
  const match = new URL(page.url()).pathname.match(/^\/orgs\/([0-9a-f-]{36})/);
  if (!match?.[1]) throw new Error(`Not on an organization's page: ${page.url()}`);
  return match[1];
}

/**
 * The error shown next to a form field, found as assistive technology finds it: the field is marked
 * invalid and its description (`aria-describedby`) holds the message. Waits for it to appear.
 */
export async function fieldError(page: Page, label: string): Promise<string> {
  const field = page.getByLabel(label, { exact: true });
  await field.and(page.locator('[aria-invalid="true"]')).waitFor();
  const described = (await field.getAttribute('aria-describedby'))?.split(/\s+/) ?? [];
  const help = described.find((id) => id.endsWith('_help'));
  if (!help) throw new Error(`The field "${label}" is invalid but describes no error`);
  const message = page.locator(`[id="${help}"]`).filter({ hasText: /\S/ });
  await message.waitFor();
  return (await message.textContent()) ?? '';
}

/**
 * Adds `count` active members to an organization straight in the database, counting their seats: the
 * console cannot add members yet. Replace with the members page once it exists.
 */
export async function addMembersDirectly(server: TestServer, orgId: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const account = await createAccount(server.ctx);
    await addMember(server.ctx, orgId, account.id);
  }
  await server.ctx.db
    .updateTable('organizations')
    .set((eb) => ({ seats_used: eb('seats_used', '+', count) }))
    .where('id', '=', orgId)
    .execute();
}

/**
 * Gives an account added through the API (whose generated password went by mail) a known password of its
 * own, straight in the database, so a flow can sign in as that person without the first-sign-in change.
 */
export async function setPasswordDirectly(
  server: TestServer,
  username: string,
  password: string,
): Promise<void> {
  const updated = await server.ctx.db
    .updateTable('accounts')
    .set({
      password_hash: await hashPassword(password),
      password_temporary: false,
      password_expires_at: null,
    })
    .where('username', '=', username)
    .executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) throw new Error(`No account "${username}"`);
}

/** Waits until the org switcher in the top bar names `organization` as the current one, shown and spoken. */
export async function expectCurrentOrg(page: Page, organization: string): Promise<void> {
  const switcher = page.getByRole('button', { name: `Switch organization, current: ${organization}` });
  await switcher.waitFor();
  const shown = await switcher.textContent();
  if (shown !== organization) throw new Error(`The org switcher shows "${shown}", not "${organization}"`);
}

/** The department tree on the left of Members & Departments. */
export function departmentTree(page: Page) {
  return page.getByRole('tree', { name: 'Departments' });
}

/** Creates a department under `parent` from the parent's "…" menu in the tree, as a person would. */
export async function createDepartmentByClicking(page: Page, parent: string, name: string): Promise<void> {
  await chooseDepartmentAction(page, parent, 'New sub-department');
  const dialog = page.getByRole('dialog', { name: 'New department' });
  await dialog.getByLabel('Department name').fill(name);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await departmentTree(page).getByText(name, { exact: true }).waitFor();
}

/**
 * Calls the API with the browser context's session, as the console does (same origin), for setting up
 * what a flow needs but does not test. Throws on an unexpected status.
 */
export async function apiAs<T>(
  page: Page,
  server: TestServer,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await page.request.fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { origin: server.url, 'content-type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok())
    throw new Error(`${method} ${path} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * A dialog once shown and no longer zooming in. The profiles newContext makes do not animate; in one
 * that asks for motion, a click sent while the dialog still grows presses its button and is released
 * beside it, and is lost (seen under load).
 */
export async function settledDialog(page: Page, dialog: Locator): Promise<Locator> {
  await dialog.and(page.locator(':not([class*="-zoom-"])')).waitFor();
  return dialog;
}

/**
 * The suite's Roster and Chromium: started before its tests (set up through the API unless `firstRun`,
 * with the operator's `env`), closed after them.
 */
export function useConsole(options: { env?: Record<string, string>; firstRun?: boolean } = {}): {
  server: TestServer;
  browser: Browser;
} {
  const server = later<TestServer>('The server');
  const browser = later<Browser>('The browser');
  beforeAll(async () => {
    // The browser first: without one (and ROSTER_REQUIRE_BROWSER=1) this fails before a server starts.
    browser.current = await connectBrowser();
    server.current = await startServer(options.env);
    if (!options.firstRun) await setUpThroughApi(server.current);
  });
  afterAll(async () => {
    await browser.current?.close();
    await server.current?.close();
  });
  return { server: server.value, browser: browser.value };
}
