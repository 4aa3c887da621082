// The home page: the platform's name, the API's health, in each language; accessible.
import assert from 'node:assert/strict';

const languages = [
  { code: 'sr-Cyrl', label: 'Српски (ћирилица)', name: 'Препознај', ok: 'Сервис ради.', version: 'Верзија' },
  { code: 'sr-Latn', label: 'Srpski (latinica)', name: 'Prepoznaj', ok: 'Servis radi.', version: 'Verzija' },
  { code: 'en', label: 'English', name: 'Prepoznaj', ok: 'The service is running.', version: 'Version' },
];

/** @typedef {import('../run.mjs').TestContext} T */

/** @param {T} t */
async function serverVersion(t) {
  const res = await t.context.request.get('/healthz');
  assert.equal(res.status(), 200);
  const body = await res.json();
  assert.equal(body.status, 'ok');
  return String(body.version);
}

/** @type {Record<string, (t: T) => Promise<void>>} */
export const tests = {};

for (const lang of languages) {
  tests[`shows the name and a healthy API in ${lang.label}`] = async (t) => {
    const version = await serverVersion(t);
    await t.goto('/');
    await t.page.selectOption('#language', { label: lang.label });

    const { page } = t;
    await page.locator('h1', { hasText: lang.name }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), lang.code);
    const status = page.locator('[role="status"][data-state="ok"]');
    await status.waitFor();
    const text = await status.innerText();
    assert.ok(text.includes(lang.ok), `status says ${JSON.stringify(text)}`);
    if (version) assert.ok(text.includes(`${lang.version} ${version}`), `status says ${JSON.stringify(text)}`);
    assert.ok((await page.title()).includes(lang.name));
    await t.axe(`home in ${lang.code}`);

    // The choice survives a reload of the tab.
    await t.goto('/');
    await page.locator('h1', { hasText: lang.name }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), lang.code);
    assert.equal(await page.locator('#language').inputValue(), lang.code);
  };
}

tests['the skip link is the first Tab stop and moves focus to the content'] = async (t) => {
  const { page } = t;
  await t.goto('/');
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    return el ? { tag: el.tagName, href: el.getAttribute('href'), top: el.getBoundingClientRect().top } : null;
  });
  assert.deepEqual({ tag: first?.tag, href: first?.href }, { tag: 'A', href: '#main' });
  assert.ok((first?.top ?? -1) >= 0, 'the focused skip link is on screen');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
};

tests['fits a 360 px wide phone'] = async (t) => {
  const { page } = t;
  await page.setViewportSize({ width: 360, height: 740 });
  await t.goto('/');
  await page.locator('[role="status"][data-state="ok"]').waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
  await t.axe('home at 360 px');
};

tests['an unknown path shows a page-not-found page with a way home'] = async (t) => {
  const { page } = t;
  await t.goto('/no/such/page');
  await page.selectOption('#language', { label: 'English' });
  await page.locator('h1', { hasText: 'Page not found' }).waitFor();
  await t.axe('not found');
  await page.getByRole('link', { name: 'Back to the home page' }).click();
  await page.locator('h1', { hasText: 'Prepoznaj' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  // Focus moves to the new page's heading, where a screen reader starts reading.
  assert.deepEqual(
    await page.evaluate(() => [document.activeElement?.tagName, document.activeElement?.textContent]),
    ['H1', 'Prepoznaj'],
  );
};

tests['says so when the API is down, and checks again on request'] = async (t) => {
  const { page } = t;
  t.allowConsoleError(/status of 503/);
  let healthy = false;
  await page.route('**/healthz', (route) =>
    healthy
      ? route.continue()
      : route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"status":503,"code":"unavailable"}' }),
  );
  await t.goto('/');
  await page.selectOption('#language', { label: 'English' });
  const down = page.locator('[role="status"][data-state="down"]');
  await down.waitFor();
  assert.ok((await down.innerText()).includes('The service is unavailable right now.'));
  await t.axe('home with the API down');
  healthy = true;
  await page.getByRole('button', { name: 'Check again' }).click();
  await page.locator('[role="status"][data-state="ok"]').waitFor();
};
