// End-to-end tests in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
//
//   BASE_URL=http://localhost:8080 node frontend/e2e/run.mjs [name-filter...]
//   node frontend/e2e/run.mjs --stub        (against e2e/stub-server.mjs serving dist/)
//
// Every file in tests/*.mjs exports `tests`, an object of test name -> async (t) => {}. Each test
// gets a fresh browser context. A test fails if it throws, and also if the page logged an error
// (which includes CSP violations), threw an uncaught exception or asked for anything outside
// BASE_URL. t.axe() fails on any axe-core violation. t.skip(reason) ends a test as skipped (it
// counts neither as passed nor as failed, and the reason is printed). A failed test leaves a
// screenshot and a log in e2e/artifacts/. The last line printed is "N passed, N failed, N skipped".
//
// The browser logs every 4xx answer to a fetch as a console error; for the app's own /api/ those
// are answers the app handles (a wrong password, "not signed in"), so they do not fail a test.
// Any other console error does, and so does a 5xx from the API.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const artifacts = join(here, 'artifacts');
const testTimeout = 60_000;

/** Thrown by t.skip: the test did not run, for the reason given. */
class Skip extends Error {}

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
let baseURL = process.env.BASE_URL?.replace(/\/+$/, '');
/** @type {(() => Promise<unknown>) | undefined} */
let stopStub;
if (args.includes('--stub')) {
  const { startStubServer } = await import('./stub-server.mjs');
  const stub = await startStubServer();
  baseURL = stub.url;
  stopStub = stub.close;
}
if (!baseURL) {
  console.error('BASE_URL is not set (e.g. BASE_URL=http://localhost:8080), and --stub was not given');
  process.exit(2);
}
const origin = new URL(baseURL).origin;

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

await rm(artifacts, { recursive: true, force: true });

// Playwright starts Chromium with a fresh temporary --user-data-dir of its own and removes it on
// close (passing one in args is refused); each test then gets its own incognito-like context.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const files = (await readdir(join(here, 'tests'))).filter((f) => f.endsWith('.mjs')).sort();
  for (const file of files) {
    /** @type {{ tests?: Record<string, (t: TestContext) => Promise<void>> }} */
    const mod = await import(pathToFileURL(join(here, 'tests', file)).href);
    const entries = Object.entries(mod.tests ?? {}).filter(
      ([name]) => filters.length === 0 || filters.some((f) => `${file} ${name}`.includes(f)),
    );
    if (entries.length > 0) console.log(file);
    for (const [name, fn] of entries) {
      const started = Date.now();
      const error = await runTest(file, name, fn);
      const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
      if (error instanceof Skip) {
        skipped++;
        console.log(`  SKIP  ${name} (${error.message})`);
      } else if (error === null) {
        passed++;
        console.log(`  ok    ${name} (${took})`);
      } else {
        failed++;
        console.log(`  FAIL  ${name} (${took})\n${indent(error)}`);
      }
    }
  }
} finally {
  await browser.close();
  await stopStub?.();
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

/**
 * @typedef {object} TestContext
 * @property {import('playwright-core').Page} page
 * @property {import('playwright-core').BrowserContext} context
 * @property {string} baseURL
 * @property {(path: string) => Promise<import('playwright-core').Response | null>} goto
 *   opens baseURL + path and waits for the app to show a page
 * @property {(label?: string) => Promise<void>} axe  fails on any axe-core violation
 * @property {(pattern: RegExp) => void} allowConsoleError  a console error the test expects
 * @property {(reason: string) => never} skip  ends the test as skipped
 */

/**
 * Runs one test in a fresh context; returns null when it passed, a Skip when it skipped itself,
 * else what went wrong.
 * @param {string} file @param {string} name @param {(t: TestContext) => Promise<void>} fn
 */
async function runTest(file, name, fn) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const log = [];
  /** @type {RegExp[]} */
  const allowed = [];
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      problems.push(`request outside ${origin}: ${route.request().url()}`);
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (msg) => {
    log.push(`console.${msg.type()}: ${msg.text()}`);
    if (msg.type() === 'error' && isHandledApiAnswer(msg)) return;
    if (msg.type() === 'error' && !allowed.some((re) => re.test(msg.text()))) {
      problems.push(`console error: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.stack ?? err.message}`));

  /** @type {TestContext} */
  const t = {
    page,
    context,
    baseURL: /** @type {string} */ (baseURL),
    allowConsoleError: (pattern) => allowed.push(pattern),
    async goto(path) {
      const res = await page.goto(path, { waitUntil: 'load' });
      await page.locator('main#main > :not(.loading)').first().waitFor();
      return res;
    },
    axe: (label) => checkAxe(page, label),
    skip: (reason) => {
      throw new Skip(reason);
    },
  };

  /** @type {string | null} */
  let error = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  try {
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${testTimeout / 1000}s`)), testTimeout);
    });
    await Promise.race([fn(t), timeout]);
  } catch (err) {
    if (err instanceof Skip) {
      clearTimeout(timer);
      await context.close();
      return err;
    }
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    clearTimeout(timer);
  }
  if (problems.length > 0) error = [error, ...problems].filter(Boolean).join('\n');
  if (error !== null) error += await keepArtifacts(page, `${file.replace(/\.mjs$/, '')}--${name}`, error, log);
  await context.close();
  return error;
}

/**
 * Whether a console message is the browser reporting a 4xx answer from the app's own API.
 * @param {import('playwright-core').ConsoleMessage} msg
 */
function isHandledApiAnswer(msg) {
  if (!/^Failed to load resource: the server responded with a status of 4\d\d\b/.test(msg.text())) return false;
  try {
    const url = new URL(msg.location().url);
    return url.origin === origin && url.pathname.startsWith('/api/');
  } catch {
    return false;
  }
}

/** @param {import('playwright-core').Page} page @param {string} [label] */
async function checkAxe(page, label = '') {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') stays in force
  // for the app while axe is still let in; a <script> tag with inline content would be refused.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return /** @type {Array<{id: string, impact: string, help: string, nodes: Array<{target: string[]}>}>} */ (
      result.violations
    ).map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  if (violations.length > 0) {
    throw new Error(`axe found ${violations.length} violation(s)${label ? ` on ${label}` : ''}:\n${violations.join('\n')}`);
  }
}

/**
 * Keeps a log and a screenshot of a failed test; returns a line saying where.
 * @param {import('playwright-core').Page} page @param {string} name @param {string} error
 * @param {string[]} log
 */
async function keepArtifacts(page, name, error, log) {
  const base = join(artifacts, name.replace(/[^\p{L}\p{N}._-]+/gu, '-'));
  await mkdir(artifacts, { recursive: true });
  await writeFile(`${base}.log`, `${error}\n\nurl: ${page.url()}\n${log.join('\n')}\n`);
  try {
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5_000 });
    return `\nscreenshot: ${base}.png`;
  } catch (err) {
    return `\nno screenshot: ${err instanceof Error ? err.message : err}`;
  }
}

/** @param {string} text */
function indent(text) {
  return text.replace(/^/gm, '        ');
}
