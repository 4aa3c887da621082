// Shared steps of the end-to-end tests (not a test file: run.mjs only runs tests/*.mjs).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** @typedef {import('./run.mjs').TestContext} T */

export const languages = [
  { code: 'sr-Cyrl', label: 'Српски (ћирилица)' },
  { code: 'sr-Latn', label: 'Srpski (latinica)' },
  { code: 'en', label: 'English' },
];

// A password that passes the rules: Cyrillic, with spaces, counted in characters.
export const PASSWORD = 'зелена ливада у рано јутро';

let counter = 0;

/** An address no other test (nor an earlier run on the same database) has used. */
export function uniqueEmail(prefix = 'user') {
  counter++;
  return `${prefix}.${Date.now().toString(36)}${counter}@example.rs`;
}

/**
 * The demo users' password (serve --demo --demo-password P), or the test is skipped.
 * @param {T} t
 */
export function demoPassword(t) {
  const p = process.env.DEMO_PASSWORD;
  if (!p) t.skip('DEMO_PASSWORD is not set: the server was not started with --demo');
  return /** @type {string} */ (p);
}

export const demo = {
  admin: 'admin@demo.prepoznaj.local',
  trainer: 'trainer@demo.prepoznaj.local',
  manager: 'manager@demo.prepoznaj.local',
  learner: 'learner@demo.prepoznaj.local',
};

/**
 * Chooses the UI language in the header.
 * @param {T} t @param {string} code
 */
export async function chooseLanguage(t, code) {
  await t.page.selectOption('#language', code);
  await t.page.locator(`html[lang="${code}"]`).waitFor();
}

/**
 * Opens path and waits until the page's heading says heading.
 * @param {T} t @param {string} path @param {string | RegExp} heading
 */
export async function open(t, path, heading) {
  await t.goto(path);
  await t.page.locator('main h1', { hasText: heading }).waitFor();
}

/**
 * Signs up through the form (the page must be in English).
 * @param {T} t
 * @param {{ email: string, name: string, password?: string, profession?: string, code?: string }} u
 */
export async function signUp(t, u) {
  const { page } = t;
  await open(t, '/sign-up', 'Create an account');
  await page.getByLabel('Email address').fill(u.email);
  await page.getByLabel('Full name').fill(u.name);
  await page.getByLabel('Password', { exact: true }).fill(u.password ?? PASSWORD);
  await page.getByLabel('Profession').selectOption(u.profession ?? 'police');
  if (u.code) await page.getByLabel(/Invitation code/).fill(u.code);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('main h1', { hasText: `Welcome, ${u.name}` }).waitFor();
}

/**
 * Signs in through the form (English) and waits to land on expectPath.
 * @param {T} t @param {string} email @param {string} password @param {string} [expectPath]
 */
export async function signIn(t, email, password, expectPath = '/') {
  const { page } = t;
  if (new URL(page.url()).pathname !== '/sign-in') await open(t, '/sign-in', 'Sign in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === expectPath);
  await page.locator('header .account button').waitFor(); // "Sign out", in the profile's language
}

/**
 * Signs out with the header's button and checks that the sign-in page says so.
 * @param {T} t
 */
export async function signOut(t) {
  const { page } = t;
  await page.locator('header').getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname === '/sign-in');
  await page.getByText('You have signed out.').waitFor();
}

/**
 * Creates an account through the API (faster than the form, for tests about something else);
 * the browser context is then signed in as it.
 * @param {T} t @param {{ email: string, name: string, profession?: string, locale?: string, code?: string }} u
 */
export async function registerByApi(t, u) {
  const res = await t.context.request.post('/api/v1/auth/register', {
    data: {
      email: u.email,
      full_name: u.name,
      password: PASSWORD,
      profession: u.profession ?? 'health',
      locale: u.locale ?? 'en',
      ...(u.code ? { invitation_code: u.code } : {}),
    },
  });
  assert.equal(res.status(), 201, await res.text());
  return /** @type {{ user: { id: number } }} */ (await res.json()).user;
}

/**
 * Fails unless the element with focus is the page's heading.
 * @param {T} t @param {string | RegExp} heading
 */
export async function assertHeadingFocused(t, heading) {
  // Focus moves right after the page is drawn; give it that moment.
  await t.page.waitForFunction(() => document.activeElement?.tagName === 'H1', undefined, { timeout: 3000 }).catch(() => undefined);
  const { tag, text } = await t.page.evaluate(() => ({
    tag: document.activeElement?.tagName ?? '',
    text: document.activeElement?.textContent ?? '',
  }));
  assert.equal(tag, 'H1', `focus is on ${tag} "${text}"`);
  if (typeof heading === 'string') assert.ok(text.includes(heading), `focused heading says "${text}"`);
  else assert.match(text, heading);
}

/**
 * Fails when browser storage holds anything but the tab's language.
 * @param {T} t
 */
export async function assertNoPersonalDataStored(t) {
  const stored = await t.page.evaluate(() => ({
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
  }));
  assert.deepEqual(stored.local, []);
  assert.deepEqual(stored.session.filter((k) => k !== 'prepoznaj.locale'), []);
}

/**
 * Fails when the page is wider than the viewport (e.g. at 360 px).
 * @param {T} t @param {number} width
 */
export async function assertFits(t, width) {
  const scroll = await t.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= width, `page is ${scroll}px wide at ${width}px`);
}

/**
 * A signed-in API client of its own (not the test's browser), for setting the scene: another
 * user's actions, data to list. Dispose of it at the end.
 * @param {T} t @param {string} email @param {string} password
 */
export async function apiSession(t, email, password) {
  const { request } = await import('playwright-core');
  const api = await request.newContext({ baseURL: t.baseURL });
  const res = await api.post('/api/v1/auth/login', { data: { email, password } });
  assert.equal(res.status(), 200, `signing in ${email}: ${await res.text()}`);
  return api;
}

/**
 * Creates an account with its own API client, signed in as it.
 * @param {T} t @param {{ email: string, name: string, profession?: string, code?: string }} u
 */
export async function apiNewUser(t, u) {
  const { request } = await import('playwright-core');
  const api = await request.newContext({ baseURL: t.baseURL });
  const res = await api.post('/api/v1/auth/register', {
    data: { email: u.email, full_name: u.name, password: PASSWORD, profession: u.profession ?? 'health', locale: 'en', ...(u.code ? { invitation_code: u.code } : {}) },
  });
  assert.equal(res.status(), 201, `registering ${u.email}: ${await res.text()}`);
  const user = /** @type {{ user: { id: number } }} */ (await res.json()).user;
  return { api, id: user.id };
}

/**
 * The signed-in browser user, as the API sees them.
 * @param {T} t
 * @returns {Promise<{ id: number, email: string, full_name: string, roles: string[], institution: { id: number, name: string } | null }>}
 */
export async function me(t) {
  const res = await t.context.request.get('/api/v1/me');
  assert.equal(res.status(), 200);
  return res.json();
}

/**
 * Skips the test when there is no API to talk to (the stub server, `run.mjs --stub`).
 * @param {T} t
 */
export async function needApi(t) {
  const res = await t.context.request.get('/api/v1/openapi.json');
  if (res.status() === 404) t.skip('no API here (the stub server answers /healthz only)');
  assert.equal(res.status(), 200, `GET /api/v1/openapi.json: ${res.status()}`);
}

/**
 * Wraps each test so that it runs only where there is an API (and, with demo, the demo users).
 * @param {Record<string, (t: T) => Promise<void>>} tests @param {{ demo?: boolean }} [opts]
 */
export function requireApi(tests, opts = {}) {
  for (const [name, fn] of Object.entries(tests)) {
    tests[name] = async (t) => {
      if (opts.demo) demoPassword(t);
      await needApi(t);
      await fn(t);
    };
  }
}

/** A single-use invitation code of the demo manager's institution. @param {T} t */
export async function invitationCode(t) {
  const manager = await apiSession(t, demo.manager, demoPassword(t));
  const m = await (await manager.get('/api/v1/me')).json();
  const res = await manager.post(`/api/v1/institutions/${m.institution.id}/invitations`, { data: { max_uses: 1, expires_in_days: 1 } });
  assert.equal(res.status(), 201, await res.text());
  const { code } = await res.json();
  await manager.dispose();
  return /** @type {string} */ (code);
}

/**
 * The text of a downloaded PDF (pdftotext), whitespace collapsed; fails unless it is a PDF.
 * @param {import('playwright-core').Download} download
 */
export async function pdfText(download) {
  const dir = await mkdtemp(join(tmpdir(), 'prepoznaj-pdf-'));
  try {
    const pdf = join(dir, 'download.pdf');
    await download.saveAs(pdf);
    assert.equal((await readFile(pdf)).subarray(0, 5).toString('latin1'), '%PDF-');
    const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', pdf, '-']);
    return stdout.replace(/\s+/g, ' ');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
