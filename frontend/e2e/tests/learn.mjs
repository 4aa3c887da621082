// What learners do: join with an invitation code, find a course in the catalogue, enrol, read its
// lessons (keyboard previous/next, a content warning, marking them read) and follow their
// progress; download a certificate and check the PDF's text; verify certificates publicly (valid,
// then revoked, and unknown). The scene (courses, invitation codes, revocation) is set through the
// API as the demo trainer, manager and admin, so these need serve --demo and DEMO_PASSWORD.
import assert from 'node:assert/strict';
import {
  apiNewUser,
  apiSession,
  assertFits,
  chooseLanguage,
  demo,
  demoPassword,
  invitationCode,
  languages,
  me,
  open,
  pdfText,
  requireApi,
  signIn,
  signUp,
  uniqueEmail,
} from '../helpers.mjs';

/** @typedef {import('../run.mjs').TestContext} T */
/** @typedef {import('playwright-core').APIRequestContext} Api */

/** @type {Record<string, (t: T) => Promise<void>>} */
export const tests = {};

let courses = 0;

/**
 * A short published course for police officers, made by the demo trainer: lessons of a few lines
 * each ending with their sources, the second one marked sensitive; with a live session if asked.
 * No quiz and no hours in its completion rule, so reading the lessons completes it.
 * @param {T} t @param {{ lessons?: number, session?: boolean }} [opts]
 */
async function shortCourse(t, opts = {}) {
  const n = opts.lessons ?? 3;
  const tag = `${Date.now().toString(36)}${++courses}`;
  const trainer = await apiSession(t, demo.trainer, demoPassword(t));
  const ok = async (/** @type {Promise<import('playwright-core').APIResponse>} */ p, status = 201) => {
    const res = await p;
    assert.equal(res.status(), status, `${res.url()}: ${await res.text()}`);
    return res.json();
  };
  const title = { sr: `Кратка обука ${tag}`, en: `Short course ${tag}` };
  const course = await ok(
    trainer.post('/api/v1/courses', {
      data: {
        slug: `short-${tag}`,
        title,
        summary: { sr: 'Пробна обука за провере.', en: 'A course made for the end-to-end tests.' },
        professions: ['police'],
        level: 'introductory',
        hours: 1,
        self_enrol: true,
        completion: { min_attended_hours: 0, quizzes: [] },
      },
    }),
  );
  const mod = await ok(trainer.post(`/api/v1/courses/${course.id}/modules`, { data: { title: { sr: 'Први модул', en: 'First module' } } }));
  /** @type {number[]} */
  const lessons = [];
  for (let i = 1; i <= n; i++) {
    const body = (/** @type {string} */ word, /** @type {string} */ sources) =>
      `${word} ${i}: ${i === 2 ? 'the case of a worker whose passport was taken.' : 'what to look for.'}\n\n## ${sources}\n\n- Council of Europe Convention, art. 10.\n`;
    const l = await ok(
      trainer.post(`/api/v1/modules/${mod.id}/lessons`, {
        data: {
          title: { sr: `Лекција ${i}`, en: `Lesson ${i}` },
          body: { sr: body('Текст лекције', 'Извори'), en: body('Lesson text', 'Sources') },
          reading_minutes: 2,
          content_warning: i === 2,
        },
      }),
    );
    lessons.push(l.id);
  }
  await ok(trainer.post(`/api/v1/courses/${course.id}/publish`), 200);
  if (opts.session) {
    const starts = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
    await ok(
      trainer.post(`/api/v1/courses/${course.id}/sessions`, {
        data: { kind: 'in_person', title: { sr: 'Радионица', en: 'Workshop' }, place: 'Нови Сад', starts_at: starts, duration_minutes: 90, capacity: 10 },
      }),
    );
  }
  await trainer.dispose();
  return { id: /** @type {number} */ (course.id), title, lessons };
}

/**
 * Enrols api's user in course and reads every lesson: a completion certificate is issued.
 * @param {Api} api @param {{ id: number, lessons: number[] }} course
 */
async function completeByApi(api, course) {
  const res = await api.post(`/api/v1/courses/${course.id}/enrolment`);
  assert.ok([200, 201].includes(res.status()), await res.text());
  for (const l of course.lessons) {
    const done = await api.post(`/api/v1/lessons/${l}/complete`);
    assert.equal(done.status(), 200, await done.text());
  }
}

/**
 * The api user's certificates.
 * @param {Api} api
 * @returns {Promise<Array<{ id: number, code: string, course_id: number, holder_name: string, status: string }>>}
 */
async function certificates(api) {
  const res = await api.get('/api/v1/me/certificates?limit=100');
  assert.equal(res.status(), 200, await res.text());
  return (await res.json()).items;
}

/** Runs axe on the page as it is in each language, ending in English. @param {T} t @param {string} label */
async function axeEveryLanguage(t, label, settle = async () => {}) {
  for (const lang of [...languages.filter((l) => l.code !== 'en'), languages.find((l) => l.code === 'en')]) {
    if (!lang) continue;
    await chooseLanguage(t, lang.code);
    await settle();
    await t.axe(`${label} in ${lang.code}`);
  }
}

// Serbian Cyrillic to Latin, for names the PDF may print in either script.
const latin = Object.fromEntries(
  [...'абвгдђежзијклљмнњопрстћуфхцчџш'].map((c, i) =>
    [c, ['a', 'b', 'v', 'g', 'd', 'đ', 'e', 'ž', 'z', 'i', 'j', 'k', 'l', 'lj', 'm', 'n', 'nj', 'o', 'p', 'r', 's', 't', 'ć', 'u', 'f', 'h', 'c', 'č', 'dž', 'š'][i]],
  ),
);
/** @param {string} s */
const toLatin = (s) =>
  [...s].map((c) => {
    const l = latin[c.toLowerCase()];
    if (l === undefined) return c;
    return c === c.toLowerCase() ? l : l[0].toUpperCase() + l.slice(1);
  }).join('');

// A code in the server's alphabet with a correct check symbol (certs/code.go), which no
// certificate has: the server is asked, and answers unknown.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function madeUpCode() {
  const vals = Array.from({ length: 27 }, () => Math.floor(Math.random() * 32));
  let sum = 0;
  let factor = 2;
  for (let i = vals.length - 1; i >= 0; i--) {
    const addend = factor * vals[i];
    sum += Math.floor(addend / 32) + (addend % 32);
    factor = 3 - factor;
  }
  vals.push((32 - (sum % 32)) % 32);
  return vals.map((v, i) => (i > 0 && i % 4 === 0 ? '-' : '') + ALPHABET[v]).join('');
}

tests['a learner joins with an invitation code, enrols and reads a course with the keyboard'] = async (t) => {
  const { page } = t;
  const course = await shortCourse(t, { lessons: 3, session: true });
  const code = await invitationCode(t);
  const name = 'Ana Polaznica';
  await signUp(t, { email: uniqueEmail('learner'), name, code, profession: 'police' });
  assert.ok((await me(t)).institution, 'the invitation code made the learner a member');

  // The catalogue starts at the learner's profession.
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Courses' }).click();
  await page.locator('main h1', { hasText: 'Courses' }).waitFor();
  assert.equal(await page.getByLabel('Profession').inputValue(), 'police');
  await page.getByLabel('Search titles and summaries').fill(course.title.en);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('status').filter({ hasText: 'Showing 1–1 of 1' }).waitFor();
  const card = page.locator('article', { has: page.getByRole('link', { name: course.title.en }) });
  await card.getByText('Introductory').waitFor();
  await card.getByText('1 hour').waitFor();
  await card.getByRole('link', { name: course.title.en }).click();
  await page.locator('main h1', { hasText: course.title.en }).waitFor();
  // Back from the course returns to the same search (the filters are kept in the address).
  await page.goBack();
  await page.locator('main h1', { hasText: 'Courses' }).waitFor();
  assert.equal(await page.getByLabel('Search titles and summaries').inputValue(), course.title.en);
  await page.getByRole('status').filter({ hasText: 'Showing 1–1 of 1' }).waitFor();
  await t.axe('catalogue');
  await card.getByRole('link', { name: course.title.en }).click();

  // The course page: enrol, then register for the live session and withdraw again.
  await page.locator('main h1', { hasText: course.title.en }).waitFor();
  await page.getByText('You are not enrolled in this course.').waitFor();
  await page.getByRole('button', { name: 'Enrol' }).click();
  await page.getByText('0% done').waitFor();
  await page.getByText('Lessons read: 0 of 3').waitFor();
  const sessions = page.locator('#sessions');
  await sessions.getByText('0 of 10 registered, 10 free').waitFor();
  await sessions.getByRole('button', { name: /^Register/ }).click();
  await sessions.getByText('1 of 10 registered, 9 free').waitFor();
  await sessions.getByText('You are registered', { exact: true }).waitFor();
  await sessions.getByRole('button', { name: /^Withdraw/ }).click();
  await sessions.getByText('0 of 10 registered, 10 free').waitFor();
  await t.axe('course page');

  // The next step leads to the first lesson.
  const beat = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/lessons/${course.lessons[0]}/heartbeat`));
  await page.getByRole('link', { name: 'Continue with the next lesson' }).click();
  await page.locator('main h1', { hasText: 'Lesson 1' }).waitFor();
  // Opening the lesson marks the start of reading time (credited by the beats that follow).
  assert.deepEqual((await beat).postDataJSON(), { active: false });
  await page.getByText('Lesson text 1: what to look for.').waitFor();
  await page.getByRole('heading', { name: 'Sources' }).waitFor();
  await page.getByRole('button', { name: 'Mark as read' }).click();
  await page.getByText('Lesson marked as read. 33% of the course done.').waitFor();
  await t.axe('lesson 1, read');

  // Alt+Shift+Right: the next lesson, sensitive, folded until the reader asks for it.
  await page.keyboard.press('Alt+Shift+ArrowRight');
  await page.locator('main h1', { hasText: 'Lesson 2' }).waitFor();
  assert.match(new URL(page.url()).pathname, new RegExp(`/courses/${course.id}/lessons/${course.lessons[1]}$`));
  await page.getByRole('heading', { name: 'Warning: sensitive content' }).waitFor();
  assert.equal(await page.getByText('the case of a worker').count(), 0, 'the sensitive text is not shown before the reader asks');
  await t.axe('lesson 2, warning');
  await page.getByRole('button', { name: 'Show the lesson' }).click();
  await page.getByText('the case of a worker whose passport was taken.').waitFor();
  await page.getByRole('button', { name: 'Mark as read' }).click();
  await page.getByText('Lesson marked as read. 66% of the course done.').waitFor();

  // Alt+Shift+Left goes back; the keys typed in a field do not.
  await page.keyboard.press('Alt+Shift+ArrowLeft');
  await page.locator('main h1', { hasText: 'Lesson 1' }).waitFor();
  await page.getByText('Read', { exact: true }).first().waitFor();
  await page.keyboard.press('Alt+Shift+ArrowRight');
  await page.locator('main h1', { hasText: 'Lesson 2' }).waitFor();
  await page.keyboard.press('Alt+Shift+ArrowRight');
  await page.locator('main h1', { hasText: 'Lesson 3' }).waitFor();
  await page.getByRole('button', { name: 'Mark as read' }).click();
  await page.getByText('Course completed.').waitFor();

  // The course page and My courses show it done.
  await page.getByRole('link', { name: `← Course: ${course.title.en}` }).click();
  await page.locator('main h1', { hasText: course.title.en }).waitFor();
  await page.getByText('100% done').waitFor();
  await page.getByText('Lessons read: 3 of 3').waitFor();
  await page.getByText('Course completed.').waitFor();
  await open(t, '/my/courses', 'My courses');
  const mine = page.locator('main li', { has: page.getByRole('link', { name: course.title.en }) });
  await mine.getByText('Completed', { exact: true }).waitFor();
  await t.axe('my courses');
};

tests['learner pages pass axe in every language, and fit a 360 px phone'] = async (t) => {
  const { page } = t;
  const course = await shortCourse(t, { lessons: 2, session: true });
  await signIn(t, demo.learner, demoPassword(t));
  const learner = await apiSession(t, demo.learner, demoPassword(t));
  const res = await learner.post(`/api/v1/courses/${course.id}/enrolment`);
  assert.ok([200, 201].includes(res.status()), await res.text());
  await learner.dispose();

  /** @type {Array<[string, () => Promise<void>]>} */
  const pages = [
    ['/courses', () => page.locator('main article').first().waitFor()],
    [`/courses/${course.id}`, () => page.locator('#sessions .card').first().waitFor()],
    [`/courses/${course.id}/lessons/${course.lessons[0]}`, () => page.locator('main article.prose').waitFor()],
    [`/courses/${course.id}/lessons/${course.lessons[1]}`, () => page.locator('#warning-heading').waitFor()],
    ['/my/courses', () => page.locator('main progress').first().waitFor()],
    ['/my/certificates', () => page.locator('main p[role=status]', { hasText: /\S/ }).waitFor()],
    ['/verify', () => page.locator('#verify-code').waitFor()],
  ];
  for (const lang of languages) {
    await chooseLanguage(t, lang.code);
    for (const [path, ready] of pages) {
      await t.goto(path);
      await ready();
      assert.equal(await page.locator('html').getAttribute('lang'), lang.code);
      await t.axe(`${path} in ${lang.code}`);
    }
  }
  await page.setViewportSize({ width: 360, height: 740 });
  for (const [path, ready] of pages) {
    await t.goto(path);
    await ready();
    await assertFits(t, 360);
  }
};

tests['the demo learner downloads a certificate; its PDF names them and carries the code'] = async (t) => {
  const { page } = t;
  await signIn(t, demo.learner, demoPassword(t));
  await chooseLanguage(t, 'en');
  const learner = await apiSession(t, demo.learner, demoPassword(t));
  let certs = await certificates(learner);
  if (certs.length === 0) {
    // No certificate in the demo data yet: earn one by completing a short course.
    await completeByApi(learner, await shortCourse(t, { lessons: 1 }));
    certs = await certificates(learner);
  }
  await learner.dispose();
  assert.ok(certs.length > 0, 'the demo learner has a certificate');
  const cert = certs[0];

  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'My certificates' }).click();
  await page.locator('main h1', { hasText: 'My certificates' }).waitFor();
  const card = page.locator('main li.card', { hasText: cert.code });
  await card.waitFor();
  assert.equal(await card.getByLabel(/Verification link/).inputValue(), `${t.baseURL.replace(/\/$/, '')}/verify/${cert.code}`);
  await axeEveryLanguage(t, '/my/certificates', () => card.waitFor());

  // The holder chooses to show the result; the toggle saves at once.
  const toggle = card.getByLabel('Show my result on the verification page');
  const was = await toggle.isChecked();
  await toggle.setChecked(!was);
  await page.getByText(was ? 'Verification no longer shows your result.' : 'Verification now shows your result.').waitFor();
  await toggle.setChecked(was);

  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: /^Download PDF/ }).click()]);
  const text = await pdfText(download);
  const name = cert.holder_name;
  assert.ok(text.includes(name) || text.includes(toLatin(name)), `the PDF names ${name}:\n${text}`);
  assert.ok(text.replace(/[\s-]/g, '').includes(cert.code.replace(/-/g, '')), `the PDF carries the code ${cert.code}:\n${text}`);
};

tests['verification shows a real certificate valid, then revoked; a made-up code unknown'] = async (t) => {
  const { page } = t;
  const course = await shortCourse(t, { lessons: 1 });
  const name = 'Verifikacija Polaznik';
  const { api } = await apiNewUser(t, { email: uniqueEmail('verify'), name, profession: 'police' });
  await completeByApi(api, course);
  const [cert] = await certificates(api);
  await api.dispose();
  assert.ok(cert, 'completing the course issued a certificate');

  // A visitor types the code the way people do: lower case, spaces instead of dashes.
  await open(t, '/verify', 'Verify a certificate');
  const field = page.getByLabel('Certificate code');
  const typed = cert.code.toLowerCase().replace(/-/g, ' ');
  // One symbol wrong: caught by the check symbol before the server is asked.
  const last = typed.at(-1) === '0' ? '1' : '0';
  await field.fill(typed.slice(0, -1) + last);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText('a character was probably mistyped').waitFor();
  await field.fill(typed);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL((url) => url.pathname === `/verify/${cert.code}`);
  await page.getByRole('heading', { name: 'The certificate is valid' }).waitFor();
  await page.getByText(name, { exact: true }).waitFor();
  await page.getByText(course.title.sr).or(page.getByText(course.title.en)).first().waitFor();
  await axeEveryLanguage(t, 'a valid certificate', () => page.locator('.verdict.valid').waitFor());
  await page.setViewportSize({ width: 360, height: 740 });
  await assertFits(t, 360);
  await page.setViewportSize({ width: 1280, height: 800 });

  // The demo admin revokes it; the same address now says revoked, with the reason and date.
  const admin = await apiSession(t, demo.admin, demoPassword(t));
  const reason = 'Issued by mistake (end-to-end test)';
  const res = await admin.post(`/api/v1/certificates/${cert.id}/revoke`, { data: { reason } });
  assert.equal(res.status(), 200, await res.text());
  await admin.dispose();
  await t.goto(`/verify/${cert.code}`);
  await page.getByRole('heading', { name: 'The certificate has been revoked' }).waitFor();
  await page.getByText(reason).waitFor();
  await page.getByText(/was revoked on .*\d{4}/).waitFor();
  await axeEveryLanguage(t, 'a revoked certificate', () => page.locator('.verdict.revoked').waitFor());

  // A well-formed code that no certificate has.
  await t.goto(`/verify/${madeUpCode()}`);
  await page.getByRole('heading', { name: 'No certificate has this code' }).waitFor();
  await axeEveryLanguage(t, 'an unknown code', () => page.locator('.verdict.unknown').waitFor());
};

requireApi(tests, { demo: true });
