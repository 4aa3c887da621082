// What managers and admins do: invitations, members, staff import; institutions, users and
// roles, the audit log. These need the demo users (serve --demo --demo-password "$DEMO_PASSWORD");
// without DEMO_PASSWORD they are reported as skipped.
import assert from 'node:assert/strict';
import {
  apiNewUser,
  apiSession,
  assertFits,
  assertHeadingFocused,
  chooseLanguage,
  demo,
  demoPassword,
  languages,
  me,
  open,
  requireApi,
  signIn,
  signOut,
  signUp,
  uniqueEmail,
} from '../helpers.mjs';

/** @typedef {import('../run.mjs').TestContext} T */

/** @type {Record<string, (t: T) => Promise<void>>} */
export const tests = {};

/**
 * Signs in as the demo manager; returns their institution.
 * @param {T} t
 */
async function asManager(t) {
  await signIn(t, demo.manager, demoPassword(t));
  await chooseLanguage(t, 'en'); // whatever the demo user's profile says
  const m = await me(t);
  assert.ok(m.roles.includes('manager') && m.institution, 'the demo manager manages an institution');
  return /** @type {{ id: number, name: string }} */ (m.institution);
}

/** @param {T} t */
async function asAdmin(t) {
  await signIn(t, demo.admin, demoPassword(t));
  await chooseLanguage(t, 'en');
  assert.ok((await me(t)).roles.includes('admin'), 'the demo admin is an admin');
}

/**
 * The demo manager's institution, asked through the API.
 * @param {T} t
 * @returns {Promise<{ id: number, name: string }>}
 */
async function demoInstitution(t) {
  const manager = await apiSession(t, demo.manager, demoPassword(t));
  const m = await (await manager.get('/api/v1/me')).json();
  await manager.dispose();
  return m.institution;
}

/**
 * A fresh member of the manager's institution, made through the API.
 * @param {T} t @param {number} inst @param {string} name @param {string} [profession]
 */
async function newMember(t, inst, name, profession = 'health') {
  const manager = await apiSession(t, demo.manager, demoPassword(t));
  const res = await manager.post(`/api/v1/institutions/${inst}/invitations`, { data: { max_uses: 1, expires_in_days: 1 } });
  assert.equal(res.status(), 201, await res.text());
  const { code } = await res.json();
  await manager.dispose();
  const email = uniqueEmail('member');
  const user = await apiNewUser(t, { email, name, profession, code });
  return { ...user, email };
}

tests['a manager creates an invitation code, and a new learner joins with it'] = async (t) => {
  const { page, context } = t;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const inst = await asManager(t);

  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'My institution' }).click();
  await page.locator('main h1', { hasText: 'Members' }).waitFor();
  await page.locator('.subtitle', { hasText: inst.name }).waitFor();
  await page.getByRole('navigation', { name: 'Institution pages' }).getByRole('link', { name: 'Invitations' }).click();
  await page.locator('main h1', { hasText: 'Invitations' }).waitFor();
  await assertHeadingFocused(t, 'Invitations');

  // Out-of-range numbers are caught next to their fields.
  await page.getByLabel('Maximum uses').fill('0');
  await page.getByLabel('Valid for (days)').fill('365');
  await page.getByRole('button', { name: 'Create code' }).click();
  await page.locator('#max_uses-error', { hasText: 'Enter a number from 1 to 1,000.' }).waitFor();
  await page.locator('#expires_in_days-error', { hasText: 'Enter a number from 1 to 90.' }).waitFor();

  await page.getByLabel('Maximum uses').fill('3');
  await page.getByLabel('Valid for (days)').fill('7');
  await page.getByRole('button', { name: 'Create code' }).click();
  await page.locator('h3', { hasText: 'New invitation code' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === 'New invitation code');
  const code = (await page.locator('.code-box').innerText()).trim();
  assert.match(code, /^[A-Z0-9-]{8,}$/);
  await page.getByText('The code is shown only now.').waitFor();
  await page.getByRole('button', { name: 'Copy code' }).click();
  await page.getByRole('status').filter({ hasText: 'The code has been copied.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
  const row = page.locator('tbody tr', { hasText: `…${code.slice(-4)}` });
  await row.getByText('Active').waitFor();
  await row.getByText('0 of 3').waitFor();
  await t.axe('invitations with a new code');

  // A newcomer signs up with the code and is a member at once.
  await signOut(t);
  const stamp = Date.now().toString(36);
  const name = `Nova Članica ${stamp}`;
  await signUp(t, { email: uniqueEmail('newcomer'), name, code, profession: 'police' });
  await page.getByText(`You are a member of ${inst.name}.`).waitFor();
  await signOut(t);

  await signIn(t, demo.manager, demoPassword(t));
  await open(t, `/institutions/${inst.id}/members`, 'Members');
  await page.getByLabel('Search by name or email address').fill(stamp);
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.getByRole('status').filter({ hasText: 'Showing 1–1 of 1' }).waitFor();
  const member = page.locator('tbody tr', { hasText: name });
  await member.getByText('Police').waitFor();
  await page.getByLabel('Profession').selectOption('judge');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.getByRole('status').filter({ hasText: 'Nothing found.' }).waitFor();
  await t.axe('members, nothing found');
  await page.getByLabel('Profession').selectOption('police');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await member.waitFor();
  await open(t, `/institutions/${inst.id}/invitations`, 'Invitations');
  await page.locator('tbody tr', { hasText: `…${code.slice(-4)}` }).getByText('1 of 3').waitFor();
};

tests['removing a member asks first, in a dialog that keeps the focus'] = async (t) => {
  const { page } = t;
  const inst = await asManager(t);
  const name = `Uklonjiva Osoba ${Date.now().toString(36)}`;
  const member = await newMember(t, inst.id, name);
  await open(t, `/institutions/${inst.id}/members`, 'Members');
  await page.getByLabel('Search by name or email address').fill(member.email);
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  const remove = page.getByRole('button', { name: `Remove ${name}` });
  await remove.click();

  const dialog = page.getByRole('dialog', { name: 'Remove this member?' });
  await dialog.waitFor();
  await dialog.getByText(`${name} (${member.email}) will no longer be a member`).waitFor();
  const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
  assert.equal(await focused(), 'Cancel', 'the safe choice has the focus');
  await t.axe('remove-member dialog');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'Remove');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'Cancel', 'Tab stays in the dialog');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), 'Remove');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `Remove ${name}`, 'focus is back');

  await remove.click();
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('status').filter({ hasText: `${name} is no longer a member of the institution.` }).waitFor();
  assert.equal(await page.locator('tbody tr', { hasText: name }).count(), 0);
  assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /no longer a member/, 'focus is on the outcome');
  const gone = await member.api.get('/api/v1/me');
  assert.equal((await gone.json()).institution, null);
  await member.api.dispose();
};

tests['a manager imports staff from a CSV and reads the report per row'] = async (t) => {
  const { page } = t;
  const inst = await asManager(t);
  await open(t, `/institutions/${inst.id}/import`, 'Import staff');
  await t.axe('import');

  const stamp = Date.now().toString(36);
  const good1 = `jelena.${stamp}@example.rs`;
  const good2 = `petar.${stamp}@example.rs`;
  const csv = [
    'email,name,profession',
    `${good1},Jelena Stanić,police`,
    'not-an-email,Bad Address,police',
    `${good1.toUpperCase()},Jelena Again,police`,
    `chef.${stamp}@example.rs,Kuvar Kuvarić,chef`,
    `${good2},"Petrović, Petar",`,
    `${demo.manager},Demo Manager,other`,
  ].join('\n');

  // A chosen file shows up in the box, to be checked before importing.
  await page.getByLabel('CSV file').setInputFiles({ name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForFunction((want) => /** @type {HTMLTextAreaElement} */ (document.getElementById('csv')).value === want, csv);
  await page.getByLabel('Invitations valid for (days)').fill('10');
  await page.getByRole('button', { name: 'Import' }).click();

  await page.locator('h2', { hasText: 'Import report' }).waitFor();
  await page.waitForFunction((want) => document.activeElement?.textContent === want, 'Import report');
  await page.getByText('Invited: 2. Rejected: 4.').waitFor();
  const row = (/** @type {number} */ line) => page.locator('tbody tr').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${line}$`) }) });
  await row(2).getByText('Invited').waitFor();
  assert.match(await row(2).locator('.invite-code').innerText(), /^[A-Z0-9-]{8,}$/);
  await row(3).getByText('not a valid email address').waitFor();
  await row(4).getByText('the address appears twice in the file').waitFor();
  await row(5).getByText('unknown profession').waitFor();
  await row(6).getByText('Invited').waitFor();
  await row(7).getByText('already a member of this institution').waitFor();
  const download = page.getByRole('link', { name: 'Download the invited with their codes (CSV)' });
  assert.equal(await download.getAttribute('download'), 'prepoznaj-invitations.csv');
  await t.axe('import report');

  // The reasons are translated like everything else.
  await chooseLanguage(t, 'sr-Cyrl');
  await row(3).getByText('неисправна имејл адреса').waitFor();
  await page.getByText('Позвано: 2. Одбијено: 4.').waitFor();
  await t.axe('import report in Cyrillic');
  await chooseLanguage(t, 'en');

  // A broken CSV is refused as a whole, saying where.
  await page.getByLabel('Contents to import').fill('email,name\n"unclosed,quote\n');
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('alert').filter({ hasText: /The CSV file is not valid( at line \d+)?\./ }).waitFor();

  // The imported invitations are listed, and one is revoked after confirming.
  await open(t, `/institutions/${inst.id}/invitations`, 'Invitations');
  const invite = page.locator('tbody tr', { hasText: good1 });
  await invite.getByText('Jelena Stanić').waitFor();
  await invite.getByRole('button', { name: /^Revoke invitation/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke this invitation?' });
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('status').filter({ hasText: 'The invitation has been revoked.' }).waitFor();
  await invite.getByText('Revoked').waitFor();
  assert.equal(await invite.getByRole('button').count(), 0);
};

tests['an admin creates and edits an institution'] = async (t) => {
  const { page } = t;
  await asAdmin(t);
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Administration' }).click();
  await page.locator('main h1', { hasText: 'Institutions' }).waitFor();
  await t.axe('institutions');
  await page.getByRole('link', { name: 'New institution' }).click();
  await page.locator('main h1', { hasText: 'New institution' }).waitFor();
  await page.getByRole('button', { name: 'Create institution' }).click();
  await page.locator('#name-error', { hasText: 'This field is required.' }).waitFor();
  await page.locator('#kind-error', { hasText: 'This field is required.' }).waitFor();
  await t.axe('new institution with errors');

  const name = `Centar za socijalni rad ${Date.now().toString(36)}`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Kind').selectOption('social_work_centre');
  await page.getByLabel(/City or town/).fill('Niš');
  await page.getByRole('button', { name: 'Create institution' }).click();
  await page.locator('main h1', { hasText: 'Edit institution' }).waitFor();
  await page.getByRole('status').filter({ hasText: `The institution ${name} has been created.` }).waitFor();
  await page.getByText('Members: 0.').waitFor();
  await page.getByLabel(/City or town/).fill('Novi Sad');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Your changes have been saved.' }).waitFor();

  await page.getByRole('link', { name: 'Back to institutions' }).click();
  await page.locator('main h1', { hasText: 'Institutions' }).waitFor();
  await page.getByLabel('Search by name').fill(name);
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  const row = page.locator('tbody tr', { hasText: name });
  await row.getByText('Novi Sad').waitFor();
  await row.getByText('Social work centre').waitFor();
};

tests['an admin sets roles and disables an account, which ends its sessions'] = async (t) => {
  const { page } = t;
  const email = uniqueEmail('promoted');
  const name = `Unapređena Osoba ${Date.now().toString(36)}`;
  const user = await apiNewUser(t, { email, name, profession: 'prosecutor' });
  await asAdmin(t);
  const admin = await me(t);

  await open(t, '/admin/users', 'Users');
  await page.getByLabel('Search by name or email address').fill(email);
  await page.getByLabel('Profession').selectOption('prosecutor');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.getByRole('status').filter({ hasText: 'Showing 1–1 of 1' }).waitFor();
  await t.axe('users');
  await page.getByRole('link', { name }).click();
  await page.locator('main h1', { hasText: name }).waitFor();

  await page.getByRole('checkbox', { name: 'Trainer' }).check();
  await page.getByRole('button', { name: 'Save roles' }).click();
  await page.getByRole('status').filter({ hasText: 'The roles have been saved.' }).waitFor();
  await page.locator('dl', { hasText: 'Learner, Trainer' }).waitFor();

  // A manager needs an institution: said next to the field.
  await page.getByRole('checkbox', { name: 'Institution manager' }).check();
  await page.getByRole('button', { name: 'Save roles' }).click();
  await page.locator('#institution_id-error', { hasText: 'Choose the institution they manage.' }).waitFor();
  await page.waitForFunction((want) => document.activeElement?.id === want, 'institution_id');
  await t.axe('user with an error');
  const demoInst = await demoInstitution(t);
  await page.getByLabel('Institution managed').selectOption(String(demoInst.id));
  await page.getByRole('button', { name: 'Save roles' }).click();
  await page.getByRole('status').filter({ hasText: 'The roles have been saved.' }).waitFor();
  const roles = (await (await user.api.get('/api/v1/me')).json()).roles;
  assert.deepEqual(roles, ['learner', 'trainer', 'manager']);

  await page.getByRole('button', { name: 'Disable account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Disable this account?' });
  await dialog.getByText(`The account ${email} will no longer be able to sign in`).waitFor();
  await dialog.getByRole('button', { name: 'Disable account' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('status').filter({ hasText: 'The account has been disabled.' }).waitFor();
  await page.getByText(/Disabled since/).waitFor();
  assert.equal((await user.api.get('/api/v1/me')).status(), 401, 'the session ended at once');

  await page.getByRole('button', { name: 'Enable account' }).click();
  await page.getByRole('status').filter({ hasText: 'The account has been enabled again.' }).waitFor();
  await page.waitForFunction((want) => document.activeElement?.textContent?.trim() === want, 'Disable account');
  await user.api.dispose();

  // Admins cannot disable themselves: the button is not offered.
  await open(t, `/admin/users/${admin.id}`, admin.full_name);
  assert.equal(await page.getByRole('button', { name: 'Disable account' }).count(), 0);

  await open(t, '/admin/users', 'Users');
  await page.getByLabel('Role').selectOption('manager');
  await page.getByLabel('Search by name or email address').fill(email);
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.locator('tbody tr', { hasText: name }).waitFor();
};

tests['an admin reads the audit log, filtered and page by page'] = async (t) => {
  const { page } = t;
  const password = demoPassword(t);
  const admin = await apiSession(t, demo.admin, password);
  const inst = await demoInstitution(t);
  for (let i = 0; i < 55; i++) {
    const res = await admin.post(`/api/v1/institutions/${inst.id}/invitations`, { data: { max_uses: 1, expires_in_days: 1 } });
    assert.equal(res.status(), 201);
  }
  const miss = await admin.post('/api/v1/auth/login', { data: { email: uniqueEmail('nobody'), password: 'not a password at all' } });
  assert.equal(miss.status(), 401);
  await admin.dispose();

  await asAdmin(t);
  await open(t, '/admin/audit', 'Audit log');
  await t.axe('audit log');
  await page.getByLabel('Action').selectOption('invitation.create');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('status').filter({ hasText: '50 events shown.' }).waitFor();
  assert.equal(await page.locator('tbody tr').count(), 50);
  assert.equal(await page.locator('tbody tr', { hasNotText: 'Invitation created' }).count(), 0);
  const newest = await page.locator('tbody tr').first().innerText();
  await page.getByRole('button', { name: 'Older events' }).click();
  await page.waitForFunction((first) => document.querySelector('tbody tr')?.textContent !== first, newest);
  assert.ok((await page.locator('tbody tr').count()) >= 5);
  await page.getByRole('button', { name: 'Newest events' }).click();
  await page.locator('tbody tr').first().filter({ hasText: newest.split('\t')[0] ?? '' }).waitFor();

  const today = new Date().toLocaleDateString('en-CA'); // YYYY-MM-DD, the local day
  await page.getByLabel('Action').selectOption('');
  await page.getByLabel('Outcome').selectOption('failure');
  await page.getByLabel('From (date)').fill(today);
  await page.getByLabel('Until (date)').fill(today);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('tbody tr', { hasText: 'Failed sign-in' }).first().waitFor();
  assert.equal(await page.locator('tbody tr', { hasNotText: 'Failure' }).count(), 0);
  await t.axe('audit log filtered');
};

for (const lang of languages) {
  tests[`manager and admin pages are accessible in ${lang.label}`] = async (t) => {
    const { page } = t;
    const inst = await asManager(t);
    await chooseLanguage(t, lang.code);
    for (const tab of ['members', 'invitations', 'import']) {
      await t.goto(`/institutions/${inst.id}/${tab}`);
      await page.locator('main .subtitle', { hasText: inst.name }).waitFor();
      await page.waitForLoadState('networkidle');
      await t.axe(`${tab} in ${lang.code}`);
    }
    await t.context.clearCookies();
    await t.goto('/sign-in');
    await chooseLanguage(t, 'en');
    await asAdmin(t);
    await chooseLanguage(t, lang.code);
    const admin = await me(t);
    for (const path of ['/admin/institutions', '/admin/institutions/new', `/admin/institutions/${inst.id}`, '/admin/users', `/admin/users/${admin.id}`, '/admin/audit']) {
      await t.goto(path);
      await page.waitForLoadState('networkidle');
      assert.equal(await page.locator('html').getAttribute('lang'), lang.code);
      await t.axe(`${path} in ${lang.code}`);
    }
  };
}

tests['manager and admin pages fit a 360 px wide phone'] = async (t) => {
  const { page } = t;
  await page.setViewportSize({ width: 360, height: 740 });
  const inst = await asManager(t);
  for (const tab of ['members', 'invitations', 'import']) {
    await t.goto(`/institutions/${inst.id}/${tab}`);
    await page.waitForLoadState('networkidle');
    await assertFits(t, 360);
  }
  await t.context.clearCookies();
  await t.goto('/sign-in');
  await asAdmin(t);
  for (const path of ['/admin/institutions', '/admin/users', '/admin/audit']) {
    await t.goto(path);
    await page.waitForLoadState('networkidle');
    await assertFits(t, 360);
    await t.axe(`${path} at 360 px`);
  }
};

requireApi(tests, { demo: true });
