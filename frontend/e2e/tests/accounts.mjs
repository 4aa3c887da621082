// Signing up, in and out, the profile, the session's silent renewal, and what the navigation
// offers a learner; accessible in each language and on a phone. Every test makes its own users.
import assert from 'node:assert/strict';
import {
  PASSWORD,
  assertFits,
  assertHeadingFocused,
  assertNoPersonalDataStored,
  chooseLanguage,
  languages,
  open,
  requireApi,
  registerByApi,
  signIn,
  signOut,
  signUp,
  uniqueEmail,
} from '../helpers.mjs';

/** @typedef {import('../run.mjs').TestContext} T */

/** @type {Record<string, (t: T) => Promise<void>>} */
export const tests = {};

tests['a learner signs up, signs out and signs in again'] = async (t) => {
  const { page, context } = t;
  const email = uniqueEmail('ana');
  await open(t, '/sign-up', 'Create an account');

  // The password rules are there before anything is typed, tied to the field.
  const password = page.getByLabel('Password', { exact: true });
  const hintId = await password.getAttribute('aria-describedby');
  assert.ok(hintId, 'the password field has a description');
  const hint = await page.locator(`#${hintId}`).innerText();
  assert.match(hint, /From 8 to 128 characters/);
  assert.match(hint, /Common passwords and passwords built from your name/);
  await t.axe('sign-up');

  // A common password is refused next to the field, and focus goes there.
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Full name').fill('Ana Petrović');
  await password.fill('password123');
  await page.getByLabel('Profession').selectOption('education');
  await page.getByRole('button', { name: 'Create account' }).click();
  const error = page.locator('#password-error');
  await error.waitFor();
  assert.equal(await error.innerText(), 'This is one of the most common passwords. Choose another.');
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  assert.ok((await password.getAttribute('aria-describedby'))?.includes('password-error'));
  await page.waitForFunction((want) => document.activeElement?.id === want, 'password');
  await page.getByRole('alert').filter({ hasText: 'The password does not meet the rules.' }).waitFor();
  await t.axe('sign-up with an error');

  await password.fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('main h1', { hasText: 'Welcome, Ana Petrović' }).waitFor();
  await assertHeadingFocused(t, 'Welcome, Ana Petrović');
  await page.getByText('You are not a member of any institution.').waitFor();
  await t.axe('home, signed in');

  // The session is in HttpOnly, Secure __Host- cookies, which Chromium keeps on http://127.0.0.1.
  const cookies = await context.cookies();
  for (const name of ['__Host-prepoznaj_access', '__Host-prepoznaj_refresh']) {
    const c = cookies.find((c) => c.name === name);
    assert.ok(c, `${name} is set (got ${cookies.map((c) => c.name).join(', ') || 'none'})`);
    assert.deepEqual([c.secure, c.httpOnly, c.sameSite, c.path], [true, true, 'Strict', '/']);
  }
  assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the session');
  await assertNoPersonalDataStored(t);

  await signOut(t);
  await assertHeadingFocused(t, 'Sign in');
  assert.deepEqual((await context.cookies()).filter((c) => c.name.startsWith('__Host-')), []);

  // A page that needs a session sends to sign in, and back to it afterwards.
  await t.goto('/profile');
  await page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('next') === '/profile');
  await signIn(t, email, PASSWORD, '/profile');
  await page.locator('main h1', { hasText: 'Profile' }).waitFor();
  await page.getByText(email).waitFor();
  await assertNoPersonalDataStored(t);
};

tests['sign-up errors are shown next to their fields'] = async (t) => {
  const { page } = t;
  const taken = uniqueEmail('taken');
  await registerByApi(t, { email: taken, name: 'Taken Person' });
  await t.context.clearCookies();

  await open(t, '/sign-up', 'Create an account');
  await page.getByRole('button', { name: 'Create account' }).click();
  for (const id of ['email', 'full_name', 'profession']) {
    assert.equal(await page.locator(`#${id}-error`).innerText(), 'This field is required.', id);
  }
  assert.equal(await page.locator('#password-error').innerText(), 'This field is required.');
  await page.waitForFunction((want) => document.activeElement?.id === want, 'email');

  await page.getByLabel('Email address').fill(taken);
  await page.getByLabel('Full name').fill('Second Person');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Profession').selectOption('judge');
  await page.getByRole('button', { name: 'Create account' }).click();
  assert.equal(await page.locator('#password-error').innerText(), 'The password must have at least 8 characters.');

  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('#email-error', { hasText: 'This address is already registered.' }).waitFor();
  await page.getByRole('alert').filter({ hasText: 'An account with this email address already exists.' }).waitFor();

  await page.getByLabel('Email address').fill(uniqueEmail('second'));
  await page.getByLabel(/Invitation code/).fill('NOPE-NOPE-NOPE');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('#invitation_code-error', { hasText: 'This code is not valid, has expired or has been used up.' }).waitFor();
  assert.equal(await page.locator('#email-error').count(), 0, 'the email error is gone');
  await page.waitForFunction((want) => document.activeElement?.id === want, 'invitation_code');
  await t.axe('sign-up with server errors');

  // In Serbian the same errors are in Serbian.
  await chooseLanguage(t, 'sr-Cyrl');
  await page.getByRole('button', { name: 'Направи налог' }).click();
  await page.locator('#invitation_code-error', { hasText: 'Код не важи, истекао је или је већ искоришћен.' }).waitFor();
};

tests['a wrong password is refused, and many failures lock the account for minutes'] = async (t) => {
  const { page } = t;
  const email = uniqueEmail('locked');
  await open(t, '/sign-in', 'Sign in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'The email address or password is wrong.' }).waitFor();
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'the password is cleared');
  await t.axe('sign-in with an error');

  for (let i = 0; i < 9; i++) {
    const res = await t.context.request.post('/api/v1/auth/login', { data: { email, password: `wrong ${i}` } });
    assert.equal(res.status(), 401);
  }
  await page.getByLabel('Password', { exact: true }).fill('still not it');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert').filter({ hasText: /Too many failed attempts\. Try again in \d+ minutes?\./ });
  await alert.waitFor();
  const minutes = Number(/in (\d+) minute/.exec(await alert.innerText())?.[1]);
  assert.ok(minutes >= 1 && minutes <= 15, `${minutes} minutes`);

  await chooseLanguage(t, 'sr-Latn');
  await page.getByLabel('Lozinka', { exact: true }).fill('still not it');
  await page.getByRole('main').getByRole('button', { name: 'Prijavi se' }).click();
  await page.getByRole('alert').filter({ hasText: /Previše neuspelih pokušaja\. Pokušajte ponovo za \d+ minut/ }).waitFor();
};

tests['the profile keeps name, profession and language, and switches the language at once'] = async (t) => {
  const { page } = t;
  const email = uniqueEmail('milan');
  await registerByApi(t, { email, name: 'Milan Ilić', profession: 'health', locale: 'en' });
  await open(t, '/profile', 'Profile');
  await t.axe('profile');

  await page.getByLabel('Full name').fill('Milan Ilić Jr');
  await page.getByLabel('Profession').selectOption('social_work');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Your details have been saved.' }).waitFor();
  await page.locator('header', { hasText: 'Signed in as Milan Ilić Jr' }).waitFor();

  // Choosing the script switches the page at once and keeps the choice in the profile.
  await page.getByRole('radio', { name: 'Srpski (latinica)' }).check();
  await page.locator('main h1', { hasText: 'Profil' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'sr-Latn');
  await page.getByRole('status').filter({ hasText: 'Jezik i pismo su sačuvani u profilu.' }).waitFor();
  let me = await (await t.context.request.get('/api/v1/me')).json();
  assert.deepEqual([me.locale, me.full_name, me.profession], ['sr-Latn', 'Milan Ilić Jr', 'social_work']);

  // The header's switcher keeps it in the profile too.
  await chooseLanguage(t, 'sr-Cyrl');
  await page.locator('main h1', { hasText: 'Профил' }).waitFor();
  await expectProfileLocale(t, 'sr-Cyrl');
  await t.axe('profile in Cyrillic');

  // Signing in elsewhere (a fresh tab, its browser in English) brings the profile's language.
  await t.context.clearCookies();
  await page.evaluate(() => sessionStorage.clear());
  await t.goto('/sign-in');
  await chooseLanguage(t, 'en');
  await signIn(t, email, PASSWORD);
  await page.locator('html[lang="sr-Cyrl"]').waitFor();
  await page.locator('main h1', { hasText: 'Добро дошли, Milan Ilić Jr' }).waitFor();
  me = await (await t.context.request.get('/api/v1/me')).json();
  assert.equal(me.locale, 'sr-Cyrl');
};

/** @param {T} t @param {string} locale */
async function expectProfileLocale(t, locale) {
  for (let i = 0; i < 50; i++) {
    const me = await (await t.context.request.get('/api/v1/me')).json();
    if (me.locale === locale) return;
    await t.page.waitForTimeout(100);
  }
  assert.fail(`the profile's locale did not become ${locale}`);
}

tests['changing the password shows each error next to its field'] = async (t) => {
  const { page } = t;
  const email = uniqueEmail('milica');
  await registerByApi(t, { email, name: 'Milica Janković' });
  await open(t, '/profile', 'Profile');
  const change = page.getByRole('button', { name: 'Change password' });

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('a fresh long sentence');
  await change.click();
  await page.locator('#current_password-error', { hasText: 'The current password is wrong.' }).waitFor();
  await page.waitForFunction((want) => document.activeElement?.id === want, 'current_password');

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password').fill('milicajankovic2024');
  await change.click();
  await page.locator('#new_password-error', {
    hasText: 'The password is built from your name, email address or the platform’s name. Choose another.',
  }).waitFor();
  assert.equal(await page.locator('#current_password-error').count(), 0);
  await t.axe('profile with a password error');

  const next = 'ноћна смена у дому здравља';
  await page.getByLabel('New password').fill(next);
  await change.click();
  await page.getByRole('status').filter({ hasText: 'Your password has been changed.' }).waitFor();
  assert.equal(await page.getByLabel('Current password').inputValue(), '');

  await signOut(t);
  await signIn(t, email, next);
};

tests['the session is renewed silently, and when it has ended sign-in leads back'] = async (t) => {
  const { page, context } = t;
  const email = uniqueEmail('renew');
  await registerByApi(t, { email, name: 'Renata Obnović' });
  await open(t, '/profile', 'Profile');

  // The access token gone (as after 15 minutes): the app renews the session without a word.
  await context.clearCookies({ name: '__Host-prepoznaj_access' });
  await open(t, '/profile', 'Profile');
  await page.getByText(email).waitFor();
  assert.ok((await context.cookies()).some((c) => c.name === '__Host-prepoznaj_access'), 'a new access token');
  assert.equal(new URL(page.url()).pathname, '/profile');

  // Both tokens gone: the next action sends to sign in, which then returns here.
  await context.clearCookies();
  await page.getByLabel('Full name').fill('Renata Obnović-Nova');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('next') === '/profile');
  await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
  await assertHeadingFocused(t, 'Sign in');
  await t.axe('sign-in after the session ended');
  await signIn(t, email, PASSWORD, '/profile');
  await page.locator('main h1', { hasText: 'Profile' }).waitFor();
};

tests['a learner sees only what learners may use'] = async (t) => {
  const { page } = t;
  await registerByApi(t, { email: uniqueEmail('learner'), name: 'Lena Učenić' });
  await open(t, '/', 'Welcome, Lena Učenić');
  const nav = page.getByRole('navigation', { name: 'Main menu' });
  assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Home', 'Courses', 'My certificates', 'Indicators', 'Profile']);
  assert.equal(await page.getByRole('link', { name: /Administration|My institution|Authoring/ }).count(), 0);

  for (const path of ['/admin/users', '/admin/audit', '/institutions/1/members']) {
    await open(t, path, 'Not allowed');
    await page.getByText('This page is not meant for your role.').waitFor();
  }
  await t.axe('not allowed');

  // Signed in, the sign-in page is not offered: it leads home.
  await t.goto('/sign-in');
  await page.waitForURL((url) => url.pathname === '/');
};

tests['join an institution: a bad code is refused next to the field'] = async (t) => {
  const { page } = t;
  await registerByApi(t, { email: uniqueEmail('joiner'), name: 'Jovan Pridružić' });
  await open(t, '/profile', 'Profile');
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('#invitation_code-error', { hasText: 'This field is required.' }).waitFor();
  await page.getByLabel('Invitation code').fill('ABCD-EFGH-JKMN');
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('#invitation_code-error', { hasText: 'This code is not valid, has expired or has been used up.' }).waitFor();
  await t.axe('profile with an invitation error');
};

for (const lang of languages) {
  tests[`account pages are accessible in ${lang.label}`] = async (t) => {
    const { page } = t;
    await t.goto('/sign-in');
    await chooseLanguage(t, lang.code);
    await t.axe(`sign-in in ${lang.code}`);
    await page.locator('header a[href="/sign-up"]').click();
    await page.waitForURL((url) => url.pathname === '/sign-up');
    await t.axe(`sign-up in ${lang.code}`);

    await registerByApi(t, { email: uniqueEmail(`a11y-${lang.code}`), name: 'Ана Приступић', locale: lang.code });
    for (const path of ['/', '/profile', '/admin/users', '/no/such/page']) {
      await t.goto(path);
      assert.equal(await page.locator('html').getAttribute('lang'), lang.code);
      await t.axe(`${path} in ${lang.code}`);
    }
  };
}

tests['account pages fit a 360 px wide phone'] = async (t) => {
  const { page } = t;
  await page.setViewportSize({ width: 360, height: 740 });
  for (const path of ['/sign-in', '/sign-up']) {
    await t.goto(path);
    await assertFits(t, 360);
  }
  await registerByApi(t, { email: uniqueEmail('phone'), name: 'Телефон Корисник' });
  for (const path of ['/', '/profile']) {
    await t.goto(path);
    await assertFits(t, 360);
    await t.axe(`${path} at 360 px`);
  }
};

tests['keyboard alone: sign in, reach the profile, sign out'] = async (t) => {
  const { page } = t;
  const email = uniqueEmail('keys');
  await registerByApi(t, { email, name: 'Tastatura Korisnik' });
  await t.context.clearCookies();

  await open(t, '/sign-in', 'Sign in');
  // From the top of the page to the email field with Tab only.
  await page.locator('body').focus();
  for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.id)) !== 'email'; i++) {
    await page.keyboard.press('Tab');
  }
  await page.waitForFunction((want) => document.activeElement?.id === want, 'email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('main h1', { hasText: 'Welcome, Tastatura Korisnik' }).waitFor();
  await assertHeadingFocused(t, 'Welcome');

  // From the heading, Tab onwards reaches the profile link in the page.
  for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Edit your profile'; i++) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await page.locator('main h1', { hasText: 'Profile' }).waitFor();
  await assertHeadingFocused(t, 'Profile');

  // Back up to the header's sign-out button.
  for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent?.trim())) !== 'Sign out'; i++) {
    await page.keyboard.press('Shift+Tab');
  }
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/sign-in');
  await page.getByText('You have signed out.').waitFor();
};

requireApi(tests);
