// The trainer's and admin's operations pages: live sessions and the attendance register, quiz
// analytics, the indicator catalogue and its assess tool. These need the demo users (serve --demo
// --demo-password "$DEMO_PASSWORD"); without DEMO_PASSWORD they are reported as skipped.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  apiNewUser,
  apiSession,
  chooseLanguage,
  demo,
  demoPassword,
  languages,
  me,
  open,
  registerByApi,
  requireApi,
  signIn,
  uniqueEmail,
} from '../helpers.mjs';

/** @typedef {import('../run.mjs').TestContext} T */

/** @type {Record<string, (t: T) => Promise<void>>} */
export const tests = {};

/**
 * Runs axe on the current page in each language, ending in English.
 * @param {T} t @param {string} label
 */
async function axeAllLanguages(t, label) {
  for (const { code } of [languages[0], languages[1], languages[2]]) {
    await chooseLanguage(t, /** @type {string} */ (code));
    await t.axe(`${label} (${code})`);
  }
}

/**
 * A published seeded course, found by slug, with the demo trainer made one of its authors.
 * @param {T} t @param {string} slug
 */
async function courseForTrainer(t, slug) {
  const admin = await apiSession(t, demo.admin, demoPassword(t));
  const trainer = await apiSession(t, demo.trainer, demoPassword(t));
  const trainerId = (await (await trainer.get('/api/v1/me')).json()).id;
  await trainer.dispose();
  const list = await (await admin.get('/api/v1/courses', { params: { limit: 100 } })).json();
  const course = list.items.find((/** @type {{slug: string}} */ c) => c.slug === slug);
  assert.ok(course, `the seeded course ${slug} exists`);
  const res = await admin.post(`/api/v1/courses/${course.id}/authors`, { data: { user_id: trainerId } });
  assert.ok(res.status() === 200 || res.status() === 201 || res.status() === 409, await res.text());
  await admin.dispose();
  return /** @type {number} */ (course.id);
}

/** @param {T} t */
async function asTrainer(t) {
  await signIn(t, demo.trainer, demoPassword(t));
  await chooseLanguage(t, 'en');
}

/**
 * A datetime-local value for a time relative to now, in the browser's (and this process's) zone.
 * @param {number} offsetMinutes
 */
function localInput(offsetMinutes) {
  const d = new Date(Date.now() + offsetMinutes * 60_000);
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

tests['a trainer holds a live session: marks the room with the keyboard, corrects one, closes the register, downloads the CSV'] = async (t) => {
  const { page } = t;
  const courseId = await courseForTrainer(t, 'labour-inspectors');
  await asTrainer(t);

  await open(t, `/author/courses/${courseId}/sessions`, 'Live sessions');
  const title = `Workshop ${Date.now().toString(36)}`;
  await page.getByLabel('In person, at a place').check();
  await page.getByLabel('Title in Serbian').fill('Радионица на терену');
  await page.getByLabel('Title in English').fill(title);
  await page.getByLabel('Place', { exact: true }).fill('Training room 2, Bulevar 1, Novi Sad');
  // Held an hour ago, so that its register can be closed.
  await page.getByLabel('Starts at').fill(localInput(-60));
  await page.getByLabel('Duration in minutes').fill('90');
  await page.getByLabel('Places', { exact: true }).fill('12');
  await page.getByRole('button', { name: 'Add session' }).click();
  await page.getByText('The session is added.').waitFor();
  await page.getByRole('cell', { name: new RegExp(title) }).waitFor();
  await axeAllLanguages(t, 'live sessions');

  const sessions = await (await t.context.request.get(`/api/v1/courses/${courseId}/sessions`)).json();
  const session = sessions.items.find((/** @type {{title: {en: string}}} */ s) => s.title.en === title);
  assert.ok(session, 'the new session is listed by the API');

  // Four learners register themselves through the API.
  const names = ['Ana Anić', 'Bora Borić', 'Vesna Vesić', 'Goran Gorić'].map((n) => `${n} ${Date.now().toString(36)}`);
  for (const name of names) {
    const { api } = await apiNewUser(t, { email: uniqueEmail('room'), name, profession: 'labour_inspection' });
    const res = await api.post(`/api/v1/sessions/${session.id}/registrations`);
    assert.equal(res.status(), 200, await res.text());
    await api.dispose();
  }

  await page.getByRole('row', { name: new RegExp(title) }).getByRole('link', { name: 'Attendance register' }).click();
  await page.locator('main h1', { hasText: 'Attendance register' }).waitFor();
  await page.getByText('Not marked: 4').waitFor();
  await axeAllLanguages(t, 'attendance register');

  // The whole room present with one button, then the exceptions with the keyboard.
  await page.getByRole('button', { name: 'Mark everyone not marked as present' }).click();
  await page.getByText('Present: 4').waitFor();
  const group = (/** @type {string} */ name) => page.getByRole('radiogroup', { name: `Attendance: ${name}` });
  await group(names[0]).getByRole('radio', { name: /Present/ }).focus();
  await page.keyboard.press('ArrowDown'); // to the second person
  await page.keyboard.press('2'); // late: focus goes to the minutes
  await page.keyboard.type('45');
  await group(names[2]).getByRole('radio', { name: /Present/ }).focus();
  await page.keyboard.press('4'); // absent, and on to the fourth person
  const focused = await page.evaluate(() => document.activeElement?.closest('[role="radiogroup"]')?.getAttribute('aria-label'));
  assert.equal(focused, `Attendance: ${names[3]}`);
  await page.keyboard.press('3'); // excused
  assert.equal(await group(names[1]).getByRole('radio', { name: /Late/ }).getAttribute('aria-checked'), 'true');
  await page.getByRole('button', { name: 'Save register' }).first().click();
  await page.getByText('4 lines saved.').waitFor();
  await page.getByText('Present: 1 · Late: 1 · Excused: 1 · Absent: 1').waitFor();

  // A correction needs a reason, and is kept in the history.
  await group(names[2]).getByRole('radio', { name: /Absent/ }).focus();
  await page.keyboard.press('1'); // present after all: a correction, so focus goes to its reason
  await page.getByRole('button', { name: 'Save register' }).first().click();
  await page.getByText('Correcting a recorded status needs a reason.').waitFor();
  await page.getByLabel('Reason for the correction').fill('Arrived with the second group; signed the sheet');
  await page.getByRole('button', { name: 'Save register' }).first().click();
  await page.getByText('1 line saved.').waitFor();
  const row = page.getByRole('row', { name: new RegExp(names[2]) });
  await row.getByText('History (2 entries)').click();
  await row.getByText('reason: Arrived with the second group; signed the sheet').waitFor();

  // Closing asks first; afterwards the trainer can only read the register.
  await page.getByRole('button', { name: 'Close register' }).click();
  const dialog = page.getByRole('dialog', { name: 'Close the register?' });
  await dialog.waitFor();
  await t.axe('close dialog');
  await dialog.getByRole('button', { name: 'Close register' }).click();
  await page.getByText('The register is closed.', { exact: true }).waitFor();
  await page.getByText('The register is closed and can only be read.').waitFor();
  assert.equal(await page.getByRole('radiogroup').count(), 0, 'no marking after closing');
  await axeAllLanguages(t, 'closed register');

  // Attendance certificates for the three who attended.
  await page.getByRole('button', { name: 'Issue certificates to everyone who attended (3)' }).click();
  await page.getByText('3 certificates issued.').waitFor();
  assert.equal(await page.getByRole('link', { name: /^[A-Z0-9-]{6,}$/ }).count(), 3, 'each certificate links to its verification');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  const csv = await readFile(/** @type {string} */ (await download.path()), 'utf8');
  assert.match(csv, /full_name/);
  for (const name of names) assert.ok(csv.includes(name), `the CSV lists ${name}`);
  assert.match(csv, /"late","45"/);
  assert.match(csv, /"excused","0"/);
  assert.match(csv, /Arrived with the second group/);

  const pdf = await t.context.request.get(`/api/v1/sessions/${session.id}/attendance-report`);
  assert.equal(pdf.status(), 200);
  assert.match(pdf.headers()['content-type'] ?? '', /application\/pdf/);

  // After closing, only an admin corrects the register, with a reason, marked as after closing.
  await t.context.clearCookies();
  await signIn(t, demo.admin, demoPassword(t));
  await chooseLanguage(t, 'en');
  await open(t, `/sessions/${session.id}/register`, 'Attendance register');
  await page.getByText('As an administrator you can correct it').waitFor();
  await group(names[3]).getByRole('radio', { name: /Absent/ }).click();
  await page.getByLabel('Reason for the correction').fill('The excuse was withdrawn');
  await page.getByRole('button', { name: 'Save register' }).first().click();
  await page.getByText('1 line saved.').waitFor();
  const corrected = page.getByRole('row', { name: new RegExp(names[3]) });
  await corrected.getByText('History (2 entries)').click();
  await corrected.getByText('after closing').waitFor();
  await t.axe('register corrected by an admin');
};

/**
 * Learners of several professions take a quiz through the API, each finding a different share of
 * its indicators.
 * @param {T} t @param {number} courseId @param {number} quizId
 */
async function takeQuiz(t, courseId, quizId) {
  const professions = ['police', 'health', 'labour_inspection', 'education'];
  for (let i = 0; i < professions.length; i++) {
    const { api } = await apiNewUser(t, { email: uniqueEmail('quiz'), name: `Quiz Taker ${i}`, profession: professions[i] });
    await api.post(`/api/v1/courses/${courseId}/enrolment`);
    const res = await api.post(`/api/v1/quizzes/${quizId}/attempts`, { data: {} });
    assert.ok(res.status() === 200 || res.status() === 201, await res.text());
    const attempt = await res.json();
    for (const q of attempt.questions) {
      /** @type {Record<string, unknown> | null} */
      let answer = null;
      if (q.type === 'indicator_identification') {
        const ids = q.choices.map((/** @type {{id: string}} */ c) => c.id);
        answer = { selected: ids.filter((/** @type {string} */ _, /** @type {number} */ j) => (j + i) % (i + 2) === 0) };
      } else if (q.type === 'true_false') {
        answer = { answer: i % 2 === 0 };
      } else if (q.type === 'single_choice' && q.choices?.length) {
        answer = { selected: [q.choices[i % q.choices.length].id] };
      }
      if (answer) {
        const saved = await api.put(`/api/v1/attempts/${attempt.id}/answers/${q.position}`, { data: answer });
        assert.equal(saved.status(), 200, await saved.text());
      }
    }
    const submitted = await api.post(`/api/v1/attempts/${attempt.id}/submit`, { data: {} });
    assert.equal(submitted.status(), 200, await submitted.text());
    await api.dispose();
  }
}

tests['a trainer reads a quiz’s analytics: bar charts, heatmaps by profession and institution, CSV links'] = async (t) => {
  const { page } = t;
  const courseId = await courseForTrainer(t, 'foundation');
  await asTrainer(t);
  const quizzes = await (await t.context.request.get('/api/v1/quizzes', { params: { course_id: courseId } })).json();
  const quiz = quizzes.items.find((/** @type {{title: {en: string}}} */ q) => /practice/i.test(q.title.en)) ?? quizzes.items[0];
  assert.ok(quiz, 'the foundation course has a quiz');
  await takeQuiz(t, courseId, quiz.id);

  await open(t, `/author/quizzes/${quiz.id}/analytics`, 'Quiz analytics');
  await page.getByText(/attempts submitted/).waitFor();
  const facility = page.getByRole('img', { name: 'Facility' });
  await facility.waitFor();
  assert.ok((await facility.locator('rect').count()) > 0, 'the facility chart has bars');
  await page.getByRole('img', { name: 'Discrimination' }).waitFor();

  // The heatmap: a table with a number in each coloured cell, moved through with the arrows.
  const heat = page.getByRole('table', { name: 'Indicators by profession: detection rate' });
  await heat.waitFor();
  for (const p of ['Police', 'Health', 'All professions']) await heat.getByRole('columnheader', { name: p }).waitFor();
  const first = heat.locator('td[tabindex="0"]');
  await first.focus();
  await page.keyboard.press('ArrowRight');
  const moved = await page.evaluate(() => document.activeElement?.getAttribute('data-cell'));
  assert.equal(moved, '0-1');
  assert.match((await heat.locator('td').first().innerText()).trim(), /^\d+\s?%|—/);
  await page.getByText('Legend:').first().waitFor();
  await page.getByRole('table', { name: 'Indicators by institution: detection rate' }).waitFor();

  await page.getByLabel('false-alarm rate').check();
  await page.getByRole('table', { name: 'Indicators by profession: false-alarm rate' }).waitFor();

  const href = await page.getByRole('link', { name: 'Questions (CSV)' }).getAttribute('href');
  assert.equal(href, `/api/v1/quizzes/${quiz.id}/analytics/export?table=questions`);
  const csv = await t.context.request.get(/** @type {string} */ (href));
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), /facility/);
  await axeAllLanguages(t, 'quiz analytics');

  await open(t, `/author/courses/${courseId}/analytics`, 'Course quiz analytics');
  await page.getByRole('img', { name: 'Facility' }).waitFor();
  await page.getByRole('link', { name: quiz.title.en }).waitFor();
  await axeAllLanguages(t, 'course analytics');
};

// Scenario 1 of the domain sheet: migrant construction workers (adult labour list).
const scenario1 = [
  'REC-DEC-WAGES', 'REC-DEC-CONDITIONS', 'REC-DEC-CONTRACT', 'REC-COE-DEBT', 'EXP-LIVING', 'EXP-WAGEMANIP', 'EXP-NORIGHTS',
  'COE-DOCS', 'COE-DEBT', 'COE-WITHHOLDWAGES', 'DST-VUL-DEPENDENCY', 'DST-VUL-UNFAMILIAR', 'DST-VUL-STATUS',
];
// Scenario 2, the control case: the car wash (only D4 positive).
const scenario2 = ['EXP-HOURS', 'EXP-PAY', 'EXP-NORIGHTS', 'REC-VUL-ECONOMIC', 'DST-VUL-ECONFAMILY'];

/**
 * Runs the assess tool with codes typed in, for a list.
 * @param {T} t @param {string} list @param {string[]} codes
 */
async function runAssess(t, list, codes) {
  const { page } = t;
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel('Indicator list').selectOption(list);
  await page.getByLabel('Or type the codes').fill(codes.join(', '));
  await page.getByRole('button', { name: 'Assess', exact: true }).click();
}

tests['the admin reviews the indicator catalogue and assesses domain scenarios'] = async (t) => {
  const { page } = t;
  await signIn(t, demo.admin, demoPassword(t));
  await chooseLanguage(t, 'en');
  assert.ok((await me(t)).roles.includes('admin'));

  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('navigation', { name: 'Administration pages' }).getByRole('link', { name: 'Indicators' }).click();
  await page.locator('main h1', { hasText: 'Indicator catalogue' }).waitFor();
  await page.getByRole('heading', { name: /D1 Deceptive recruitment/ }).waitFor();
  await page.getByRole('rowheader', { name: /REC-DEC-JOBNATURE/ }).waitFor();
  assert.ok((await page.getByText('Pending expert review').count()) > 0, 'entries awaiting review are marked');
  await page.getByRole('heading', { name: 'Catalogue versions' }).waitFor();
  await axeAllLanguages(t, 'indicator catalogue');

  await runAssess(t, 'adult-labour', scenario1);
  const outcome = page.getByRole('heading', { name: /Outcome:/ });
  await outcome.waitFor();
  assert.match(await outcome.innerText(), /Outcome:\s*trafficking/);
  const dims = page.getByRole('table', { name: /Dimensions under the list/ });
  for (const d of ['D1', 'D4', 'D5', 'D6']) {
    assert.match(await dims.getByRole('row', { name: new RegExp(`^${d} `) }).innerText(), /\bpositive/);
  }
  assert.match(await dims.getByRole('row', { name: /^D2 / }).innerText(), /not positive/);
  await t.axe('assessment result');

  await runAssess(t, 'adult-labour', scenario2);
  await page.getByRole('heading', { name: /Outcome:\s*exploitation/ }).waitFor();

  await runAssess(t, 'adult-labour', ['EXP-PAY', 'NOT-A-CODE']);
  await page.getByText('These codes are not in the catalogue: NOT-A-CODE.').waitFor();

  // An edit makes a new version of the catalogue.
  const before = (await (await t.context.request.get('/api/v1/indicators')).json()).version;
  await page.getByRole('button', { name: 'Edit REC-VUL-PAST' }).click();
  const dialog = page.getByRole('dialog', { name: 'Editing: REC-VUL-PAST' });
  await dialog.waitFor();
  await t.axe('edit dialog');
  await dialog.getByLabel('Review note').fill('Adult strength: check the ILO brochure, p. 3');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await page.getByText(`Saved as version ${before + 1}.`).waitFor();
  await page.getByText('Adult strength: check the ILO brochure, p. 3').first().waitFor();
};

tests['a learner studies the indicators and assesses a child’s case'] = async (t) => {
  const { page } = t;
  await registerByApi(t, { email: uniqueEmail('study'), name: 'Studentkinja Stefana', profession: 'education' });
  await open(t, '/indicators', 'Trafficking indicators');
  await page.getByRole('heading', { name: 'Assess a case' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /^Edit / }).count(), 0, 'learners cannot edit');
  await axeAllLanguages(t, 'indicators for learners');
  // Scenario 7 of the domain sheet: a girl of 14 (child sexual list): D5 positive, trafficking.
  await runAssess(t, 'child-sexual', ['OBS-TCH-ATTEND', 'OBS-TCH-OLDERPARTNER', 'OBS-TCH-CHANGE', 'REC-VUL-EMOTIONAL', 'REC-DEC-FAMILY', 'COE-DEBT', 'COE-TASKS']);
  await page.getByRole('heading', { name: /Outcome:\s*trafficking/ }).waitFor();
  await page.getByText('For a child the means are not required', { exact: false }).waitFor();
  // The admin's catalogue page is not for learners.
  await t.goto('/admin/indicators');
  await page.locator('main h1').filter({ hasNotText: 'Indicator catalogue' }).waitFor();
};

tests['a trainer finds the sessions they run, upcoming first, and opens one’s register'] = async (t) => {
  const { page } = t;
  const courseId = await courseForTrainer(t, 'labour-inspectors');
  const trainer = await apiSession(t, demo.trainer, demoPassword(t));
  const stamp = Date.now().toString(36);
  /** @type {number[]} */
  const ids = [];
  for (const [title, hours] of [[`Past check ${stamp}`, -72], [`Next check ${stamp}`, 48]]) {
    const res = await trainer.post(`/api/v1/courses/${courseId}/sessions`, {
      data: { kind: 'in_person', title: { sr: 'Провера', en: title }, place: 'Novi Sad', starts_at: new Date(Date.now() + Number(hours) * 3600_000).toISOString(), duration_minutes: 60, capacity: 10 },
    });
    assert.equal(res.status(), 201, await res.text());
    ids.push((await res.json()).id);
  }
  await trainer.dispose();
  await asTrainer(t);

  await open(t, '/author/sessions', 'My sessions');
  const upcoming = page.getByRole('table', { name: 'Sessions still to come or under way' });
  const past = page.getByRole('table', { name: 'Past sessions' });
  await upcoming.locator('tr', { hasText: `Next check ${stamp}` }).waitFor();
  await past.locator('tr', { hasText: `Past check ${stamp}` }).waitFor();
  assert.equal(await upcoming.locator('tr', { hasText: `Past check ${stamp}` }).count(), 0, 'a past session is not upcoming');
  await axeAllLanguages(t, 'my sessions');
  // In Serbian Latin the course's title is derived from the Cyrillic.
  await chooseLanguage(t, 'sr-Latn');
  await page.locator('main h1', { hasText: 'Moji termini' }).waitFor();
  await chooseLanguage(t, 'en');
  await page.locator('main h1', { hasText: 'My sessions' }).waitFor();

  const row = upcoming.locator('tr', { hasText: `Next check ${stamp}` });
  await row.getByRole('link', { name: /^Attendance register of the session on / }).click();
  await page.waitForURL(`**/sessions/${ids[1]}/register`);
  await page.locator('main h1', { hasText: 'Attendance register' }).waitFor();
};

requireApi(tests, { demo: true });
