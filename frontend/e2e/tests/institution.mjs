// The institution manager's pages: staff progress (with charts), assigning courses, staff
// certificates (single, bulk ZIP, background export) and attendance reports. They need the demo
// users (serve --demo --demo-password "$DEMO_PASSWORD"); without DEMO_PASSWORD they are skipped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiNewUser, apiSession, assertFits, chooseLanguage, demo, demoPassword, languages, me, open, requireApi, signIn } from '../helpers.mjs';

/** @typedef {import('../run.mjs').TestContext} T */

/** @type {Record<string, (t: T) => Promise<void>>} */
export const tests = {};

const tabs = ['progress', 'assign', 'certificates', 'attendance'];

/**
 * Signs in as the demo manager (English); returns their institution.
 * @param {T} t
 */
async function asManager(t) {
  await signIn(t, demo.manager, demoPassword(t));
  await chooseLanguage(t, 'en');
  const m = await me(t);
  assert.ok(m.roles.includes('manager') && m.institution, 'the demo manager manages an institution');
  return /** @type {{ id: number, name: string }} */ (m.institution);
}

/** A day n days from today, as YYYY-MM-DD in the local calendar. */
function dayFromToday(n = 0) {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return d.toLocaleDateString('en-CA');
}

/**
 * A small published course made by the demo trainer: one lesson, nothing else to complete.
 * @param {T} t @param {string} stamp
 */
async function tinyCourse(t, stamp) {
  const trainer = await apiSession(t, demo.trainer, demoPassword(t));
  const title = `E2E tečaj ${stamp}`;
  let res = await trainer.post('/api/v1/courses', {
    data: {
      slug: `e2e-${stamp}`,
      title: { sr: `Е2Е курс ${stamp}`, en: title },
      summary: { sr: 'Кратак курс за проверу.', en: 'A short course for testing.' },
      professions: ['police', 'health'],
      level: 'introductory',
      hours: 2,
      self_enrol: true,
    },
  });
  assert.equal(res.status(), 201, await res.text());
  const course = await res.json();
  res = await trainer.post(`/api/v1/courses/${course.id}/modules`, { data: { title: { sr: 'Модул', en: 'Module' } } });
  assert.equal(res.status(), 201, await res.text());
  const mod = await res.json();
  res = await trainer.post(`/api/v1/modules/${mod.id}/lessons`, {
    data: { title: { sr: 'Лекција', en: 'Lesson' }, body: { sr: 'Текст лекције.', en: 'Lesson text.' }, reading_minutes: 5 },
  });
  assert.equal(res.status(), 201, await res.text());
  const lesson = await res.json();
  res = await trainer.post(`/api/v1/courses/${course.id}/publish`);
  assert.equal(res.status(), 200, await res.text());
  await trainer.dispose();
  return { id: /** @type {number} */ (course.id), title, lessonId: /** @type {number} */ (lesson.id) };
}

/**
 * A new member of the institution (through an invitation), signed in with its own client.
 * @param {T} t @param {number} inst @param {string} name
 */
async function newMember(t, inst, name) {
  const manager = await apiSession(t, demo.manager, demoPassword(t));
  const res = await manager.post(`/api/v1/institutions/${inst}/invitations`, { data: { max_uses: 1, expires_in_days: 1 } });
  assert.equal(res.status(), 201, await res.text());
  const { code } = await res.json();
  await manager.dispose();
  const email = `member.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.rs`;
  return { ...(await apiNewUser(t, { email, name, profession: 'police', code })), email, name };
}

/**
 * The names of the files in a ZIP and its manifest's text.
 * @param {string} file
 */
function readZip(file) {
  const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const manifest = execFileSync('unzip', ['-p', file, 'manifest.csv'], { encoding: 'utf8' });
  return { names, manifest };
}

tests['a manager imports staff, assigns them a course with a due date and follows their progress'] = async (t) => {
  const { page } = t;
  const inst = await asManager(t);
  const stamp = Date.now().toString(36);
  const course = await tinyCourse(t, stamp);

  // Import two people; they join with the codes from the report.
  await open(t, `/institutions/${inst.id}/import`, 'Import staff');
  const staff = [
    { email: `ana.${stamp}@example.rs`, name: `Ana Uvezena ${stamp}` },
    { email: `boris.${stamp}@example.rs`, name: `Boris Uvezeni ${stamp}` },
  ];
  const csv = ['email,name,profession', ...staff.map((s) => `${s.email},${s.name},police`)].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForFunction((want) => /** @type {HTMLTextAreaElement} */ (document.getElementById('csv')).value === want, csv);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByText('Invited: 2. Rejected: 0.').waitFor();
  const codes = await page.locator('.invite-code').allInnerTexts();
  assert.equal(codes.length, 2);
  for (const [i, s] of staff.entries()) {
    const { api } = await apiNewUser(t, { email: s.email, name: s.name, profession: 'police', code: codes[i]?.trim() });
    await api.dispose();
  }

  // Assign the course to both, with a due date.
  await page.getByRole('navigation', { name: 'Institution pages' }).getByRole('link', { name: 'Assign courses' }).click();
  await page.locator('main h1', { hasText: 'Assign courses' }).waitFor();
  await t.axe('assign');
  await page.getByRole('button', { name: 'Assign course' }).click();
  await page.locator('#course_id-error', { hasText: 'Choose a course.' }).waitFor();
  await page.getByText('Choose at least one member.').waitFor();
  await t.axe('assign with errors');
  await page.getByLabel('Course', { exact: true }).selectOption({ label: course.title });
  await page.getByLabel('Search members by name or email address').fill(stamp);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('status').filter({ hasText: '2 members found, 2 shown.' }).waitFor();
  await page.getByRole('button', { name: 'Choose all 2 found' }).click();
  await page.locator('h2', { hasText: 'Chosen: 2' }).waitFor();
  // Taking one off and putting them back.
  await page.getByRole('button', { name: `Remove ${staff[1]?.name} from the list` }).click();
  await page.locator('h2', { hasText: 'Chosen: 1' }).waitFor();
  await page.getByRole('checkbox', { name: new RegExp(staff[1]?.name ?? '') }).check();
  await page.locator('h2', { hasText: 'Chosen: 2' }).waitFor();
  await page.getByLabel(/Due date/).fill(dayFromToday(-3));
  await page.getByRole('button', { name: 'Assign course' }).click();
  await page.locator('#due_at-error', { hasText: 'The due date can be from today to ten years ahead.' }).waitFor();
  const due = dayFromToday(30);
  await page.getByLabel(/Due date/).fill(due);
  await page.getByRole('button', { name: 'Assign course' }).click();
  await page.locator('h2', { hasText: 'Course assigned' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === 'Course assigned');
  await page.getByText('Newly assigned: 2.').waitFor();
  await page.getByText('Already enrolled: 0.').waitFor();
  await t.axe('assign result');
  // Again, for the whole profession: they are enrolled already.
  await page.getByLabel('Every member of a profession').check();
  await page.getByLabel('Profession', { exact: true }).selectOption('police');
  await page.getByRole('button', { name: 'Assign course' }).click();
  await page.getByText(/Already enrolled: [2-9]/).waitFor();

  // The progress dashboard lists them, with the due date; its charts come from the server's
  // per-course summary, not from downloading the whole CSV.
  /** @type {string[]} */
  const asked = [];
  page.on('request', (r) => asked.push(r.url()));
  await page.getByRole('link', { name: 'See the staff’s progress' }).click();
  await page.locator('main h1', { hasText: 'Staff progress' }).waitFor();
  await page.getByLabel('Status').selectOption('not_enrolled');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.locator('#status-error', { hasText: 'Choose a course to see who is not enrolled in it.' }).waitFor();
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Course', { exact: true }).selectOption({ label: course.title });
  await page.getByLabel('Search by name or email address').fill(stamp);
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.getByRole('status').filter({ hasText: 'Showing 1–2 of 2' }).waitFor();
  for (const s of staff) {
    const row = page.locator('tbody tr', { hasText: s.name });
    await row.getByText('Not started').waitFor();
    await row.getByText(course.title).waitFor();
    await row.getByText(new Date(`${due}T12:00:00`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })).waitFor();
  }
  // The charts count them, with the same numbers in a table.
  const chart = page.getByRole('figure', { name: 'Completion by course' });
  await chart.locator('svg[role="img"]').waitFor();
  await chart.getByText('Show as a table').click();
  const chartRow = chart.locator('tbody tr', { hasText: course.title });
  assert.deepEqual(await chartRow.locator('td').allInnerTexts(), ['0', '0', '2', '0', '2']);
  assert.ok(asked.some((u) => u.includes('/progress/summary?') && u.includes('locale=en')), 'the charts ask for the summary');
  assert.ok(!asked.some((u) => u.includes('format=csv')), 'the charts do not download the CSV');
  await t.axe('progress');

  // Overdue filter: nobody here is late.
  await page.getByLabel('Status').selectOption('overdue');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.getByRole('status').filter({ hasText: 'Nothing matches these filters.' }).waitFor();

  // The CSV export has the same people.
  const href = await page.getByRole('link', { name: 'Download as a spreadsheet (CSV)' }).getAttribute('href');
  assert.ok(href?.includes('format=csv') && href.includes(`course_id=${course.id}`), href ?? '');
  await page.getByLabel('Status').selectOption('');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.getByRole('status').filter({ hasText: 'Showing 1–2 of 2' }).waitFor();
  const dl = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download as a spreadsheet (CSV)' }).click();
  const file = join(mkdtempSync(join(tmpdir(), 'prepoznaj-e2e-')), 'progress.csv');
  await (await dl).saveAs(file);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.startsWith('\ufeffuser_id,') || text.startsWith('\ufeff"user_id"'), text.slice(0, 40));
  for (const s of staff) assert.ok(text.includes(s.name), `CSV lists ${s.name}`);
};

tests['a manager downloads staff certificates: one, a bulk ZIP, and a background export with its progress bar'] = async (t) => {
  const { page } = t;
  const inst = await asManager(t);
  const stamp = Date.now().toString(36);
  const course = await tinyCourse(t, stamp);
  // Two members complete the course: each gets a certificate.
  const people = [];
  for (const name of [`Cvijeta Sertifikovana ${stamp}`, `Dušan Sertifikovani ${stamp}`]) {
    const m = await newMember(t, inst.id, name);
    let res = await m.api.post(`/api/v1/courses/${course.id}/enrolment`);
    assert.ok([200, 201].includes(res.status()), await res.text());
    res = await m.api.post(`/api/v1/lessons/${course.lessonId}/complete`);
    assert.equal(res.status(), 200, await res.text());
    await m.api.dispose();
    people.push(m);
  }

  await open(t, `/institutions/${inst.id}/certificates`, 'Staff certificates');
  await page.getByLabel('Course', { exact: true }).selectOption({ label: course.title });
  await page.getByLabel('Completed from (date)').fill(dayFromToday(-1));
  await page.getByLabel('Completed until (date)').fill(dayFromToday(1));
  await page.getByLabel('Kind').selectOption('completion');
  await page.getByLabel('Status').selectOption('valid');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('status').filter({ hasText: 'Showing 1–2 of 2' }).waitFor();
  for (const p of people) await page.locator('tbody tr', { hasText: p.name }).getByText('Valid').waitFor();
  await t.axe('certificates');

  const dir = mkdtempSync(join(tmpdir(), 'prepoznaj-e2e-'));

  // One certificate as PDF.
  let dl = page.waitForEvent('download');
  await page.locator('tbody tr', { hasText: people[0]?.name }).getByRole('button', { name: /^Download PDF: certificate/ }).click();
  const pdf = join(dir, 'one.pdf');
  await (await dl).saveAs(pdf);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');

  // Both at once, streamed as a ZIP with its manifest.
  await page.getByText('2 certificates match. They download at once').waitFor();
  dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download ZIP (2)' }).click();
  const zip = join(dir, 'direct.zip');
  await (await dl).saveAs(zip);
  let { names, manifest } = readZip(zip);
  assert.equal(names.filter((n) => n.endsWith('.pdf')).length, 2, names.join(', '));
  assert.ok(names.includes('manifest.csv'));
  for (const p of people) assert.ok(manifest.includes(p.name), `manifest names ${p.name}`);
  await page.getByRole('status').filter({ hasText: 'The download of an archive with 2 certificates has started.' }).waitFor();

  // The same set through a background export job: a progress bar, then a download. (Only sets
  // over 500 certificates must take this path; the demo has far fewer, so the test asks for it.)
  await page.getByRole('button', { name: 'Prepare in the background' }).click();
  const bar = page.getByRole('progressbar', { name: 'Preparing the archive' });
  await bar.waitFor();
  await page.getByRole('status').filter({ hasText: 'The archive is ready: 2 certificates.' }).waitFor();
  assert.deepEqual(await bar.evaluate((el) => [/** @type {HTMLProgressElement} */ (el).value, /** @type {HTMLProgressElement} */ (el).max]), [2, 2]);
  const ready = page.getByRole('button', { name: 'Download the prepared archive (2)' });
  await page.waitForFunction(() => document.activeElement?.textContent?.startsWith('Download the prepared archive'));
  await t.axe('certificates with a ready export');
  dl = page.waitForEvent('download');
  await ready.click();
  const jobZip = join(dir, 'job.zip');
  await (await dl).saveAs(jobZip);
  ({ names, manifest } = readZip(jobZip));
  assert.equal(names.filter((n) => n.endsWith('.pdf')).length, 2, names.join(', '));
  for (const p of people) assert.ok(manifest.includes(p.name), `export manifest names ${p.name}`);

  // Over 500 certificates only the job is offered. The demo has far fewer, so the list's answer
  // is made to say 501 (the job itself then runs on the real two).
  await page.route(/\/api\/v1\/institutions\/\d+\/certificates\?/, async (route) => {
    const real = await route.fetch();
    const body = await real.json();
    await route.fulfill({ response: real, json: { ...body, total: 501 } });
  });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('501 certificates match, more than the 500 that can be downloaded at once.').waitFor();
  assert.equal(await page.getByRole('button', { name: /Download ZIP/ }).count(), 0);
  await page.getByRole('button', { name: 'Prepare the archive (501)' }).click();
  await page.getByRole('status').filter({ hasText: 'The archive is ready: 2 certificates.' }).waitFor();
  await page.getByRole('button', { name: 'Download the prepared archive (2)' }).waitFor();
  await page.unroute(/\/api\/v1\/institutions\/\d+\/certificates\?/);

  // A filter nothing matches: no bulk download on offer.
  await page.getByLabel('Status').selectOption('revoked');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('status').filter({ hasText: 'No certificates match these filters.' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /Download ZIP/ }).count(), 0);

  // The dates in the wrong order are caught by the field.
  await page.getByLabel('Completed from (date)').fill(dayFromToday(1));
  await page.getByLabel('Completed until (date)').fill(dayFromToday(-1));
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('#to-error', { hasText: 'The end date cannot be before the start date.' }).waitFor();
};

tests['a manager downloads the attendance report for a period and sees who attended which session'] = async (t) => {
  const { page } = t;
  const inst = await asManager(t);
  // A session held two hours ago, a member of the institution present at it.
  const stamp = Date.now().toString(36);
  const course = await tinyCourse(t, stamp);
  const member = await newMember(t, inst.id, `Emina Prisutna ${stamp}`);
  let res = await member.api.post(`/api/v1/courses/${course.id}/enrolment`);
  assert.ok([200, 201].includes(res.status()), await res.text());
  const trainer = await apiSession(t, demo.trainer, demoPassword(t));
  res = await trainer.post(`/api/v1/courses/${course.id}/sessions`, {
    data: {
      kind: 'in_person',
      title: { sr: `Радионица ${stamp}`, en: `Workshop ${stamp}` },
      place: 'Нови Сад',
      starts_at: new Date(Date.now() - 2 * 3600_000).toISOString(),
      duration_minutes: 90,
      capacity: 10,
    },
  });
  assert.equal(res.status(), 201, await res.text());
  const session = await res.json();
  res = await trainer.post(`/api/v1/sessions/${session.id}/registrations`, { data: { user_ids: [member.id] } });
  assert.equal(res.status(), 200, await res.text());
  res = await trainer.put(`/api/v1/sessions/${session.id}/attendance`, { data: { entries: [{ user_id: member.id, status: 'present' }] } });
  assert.equal(res.status(), 200, await res.text());
  await trainer.dispose();
  await member.api.dispose();

  await open(t, `/institutions/${inst.id}/attendance`, 'Attendance reports');
  await page.getByRole('status').filter({ hasText: /sessions? found/ }).waitFor();
  const held = page.locator('article', { has: page.locator('h3', { hasText: `Workshop ${stamp}` }) });
  await held.locator('tbody tr', { hasText: member.name }).getByText('Present').waitFor();
  await held.getByText(course.title).waitFor();
  await t.axe('attendance');
  const dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the report (PDF)' }).click();
  const file = join(mkdtempSync(join(tmpdir(), 'prepoznaj-e2e-')), 'report.pdf');
  await (await dl).saveAs(file);
  assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
  await page.getByRole('status').filter({ hasText: 'The report has been downloaded.' }).waitFor();
  const href = await page.getByRole('link', { name: 'open the PDF in a new tab' }).getAttribute('href');
  assert.match(href ?? '', new RegExp(`^/api/v1/institutions/${inst.id}/attendance-report\\?from=\\d{4}-\\d\\d-\\d\\d&to=`));

  await page.getByLabel('From (date)').fill('2020-01-01');
  await page.getByLabel('Until (date)').fill('2026-01-01');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.locator('#to-error', { hasText: 'The period can span at most three years.' }).waitFor();
  await t.axe('attendance with an error');
};

tests['another institution’s pages say it is not found'] = async (t) => {
  const { page } = t;
  const inst = await asManager(t);
  const other = inst.id + 1000;
  for (const tab of tabs) {
    await open(t, `/institutions/${other}/${tab}`, /./);
    await page.locator('h2', { hasText: 'Institution not found' }).waitFor();
  }
  await t.axe('not found');
};

for (const lang of languages) {
  tests[`the manager's progress, assignment, certificate and attendance pages are accessible in ${lang.label}`] = async (t) => {
    const { page } = t;
    const inst = await asManager(t);
    await chooseLanguage(t, lang.code);
    for (const tab of tabs) {
      await t.goto(`/institutions/${inst.id}/${tab}`);
      await page.locator('main .subtitle', { hasText: inst.name }).waitFor();
      await page.waitForLoadState('networkidle');
      assert.equal(await page.locator('html').getAttribute('lang'), lang.code);
      if (tab === 'progress') {
        for (const d of await page.locator('details').all()) await d.locator('summary').click();
      }
      await t.axe(`${tab} in ${lang.code}`);
      // The states that come after an action: errors by the fields, a finished export.
      if (tab === 'assign') {
        await page.locator('main form button[type="submit"]').click();
        await page.locator('#course_id-error').waitFor();
        await t.axe(`${tab} with errors in ${lang.code}`);
      }
      if (tab === 'certificates' && (await page.locator('.bulk button.secondary').count()) > 0) {
        await page.locator('.bulk button.secondary').click();
        await page.locator('.export button').waitFor();
        await t.axe(`${tab} with an export in ${lang.code}`);
      }
    }
  };
}

tests['the manager’s pages fit a 360 px wide phone'] = async (t) => {
  const { page } = t;
  await page.setViewportSize({ width: 360, height: 740 });
  const inst = await asManager(t);
  for (const lang of ['en', 'sr-Cyrl']) {
    await chooseLanguage(t, lang);
    for (const tab of tabs) {
      await t.goto(`/institutions/${inst.id}/${tab}`);
      await page.locator('main .subtitle', { hasText: inst.name }).waitFor();
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      await assertFits(t, 360);
    }
  }
};

requireApi(tests, { demo: true });
