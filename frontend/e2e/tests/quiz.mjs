// A learner takes a scenario quiz of the default content (the foundation course's final test):
// answers wrongly and fails, with the missed indicators' evidence marked in the case and the
// decision rule's reasoning; autosave survives a reload; a second attempt answered rightly
// passes. One question is answered with the keyboard alone. axe runs on the quiz's page, an
// attempt and a review in every language, and the pages fit a 360 px screen.
import assert from 'node:assert/strict';
import { apiSession, assertFits, chooseLanguage, demo, languages, PASSWORD, registerByApi, requireApi, uniqueEmail } from '../helpers.mjs';

/** @typedef {import('../run.mjs').TestContext} T */
/** @typedef {{ position: number, question_id: number, type: string, choices?: {id: string, text: string}[], lefts?: {id: string, text: string}[], rights?: {id: string, text: string}[], dimensions?: {id: string, text: string}[], response: any, solution?: { mark: any } }} Q */

// In content/courses/foundation/quiz/final.yaml, the bus-station case shows these indicators and
// not these distractors.
const busPresent = ['REC-COE-DOCS', 'REC-COE-ISOLATION', 'REC-VUL-INFO', 'REC-VUL-LANGEDU'];
const busDistractors = ['COE-DEBT', 'COE-VIOLENCE'];

/** State the second test continues from the first. */
const shared = { email: '', quizId: 0, firstAttempt: 0 };

/**
 * A fresh learner (signed in in the browser), enrolled in the foundation course; returns its
 * final quiz (the timed scenario quiz with feedback after submitting).
 * @param {T} t
 */
async function learnerWithQuiz(t) {
  const email = uniqueEmail('quiz');
  await registerByApi(t, { email, name: 'Mila Quiz', profession: 'police', locale: 'en' });
  const req = t.context.request;
  const courses = await (await req.get('/api/v1/courses', { params: { limit: 100 } })).json();
  const course = courses.items.find((/** @type {{slug: string}} */ c) => c.slug === 'foundation');
  assert.ok(course, 'the default content has the foundation course');
  const enrol = await req.post(`/api/v1/courses/${course.id}/enrolment`);
  assert.ok(enrol.status() < 300, `enrolling: ${enrol.status()} ${await enrol.text()}`);
  const quizzes = await (await req.get('/api/v1/quizzes', { params: { course_id: course.id } })).json();
  const quiz = quizzes.items.find(
    (/** @type {{settings: {feedback_timing: string, attempts_allowed: number}}} */ q) =>
      q.settings.feedback_timing === 'after_submit' && q.settings.attempts_allowed > 0,
  );
  assert.ok(quiz, 'the foundation course has a final quiz');
  return { email, course, quiz };
}

/**
 * The attempt as the API serves it to the signed-in learner.
 * @param {T} t @param {number} id
 * @returns {Promise<{ id: number, state: string, score: number | null, passed: boolean | null, questions: Q[] }>}
 */
async function attemptJSON(t, id) {
  const res = await t.context.request.get(`/api/v1/attempts/${id}`);
  assert.equal(res.status(), 200);
  return res.json();
}

/** @param {T} t */
function attemptIdFromURL(t) {
  const m = /\/attempts\/(\d+)/.exec(new URL(t.page.url()).pathname);
  assert.ok(m, `on an attempt page: ${t.page.url()}`);
  return Number(m[1]);
}

/**
 * Opens question pos with the navigator.
 * @param {T} t @param {number} pos @param {number} count
 */
async function openQuestion(t, pos, count) {
  await t.page.getByRole('navigation', { name: 'Questions' }).getByRole('button', { name: new RegExp(`^Question ${pos},`) }).click();
  await t.page.locator('#q-title', { hasText: `Question ${pos} of ${count}` }).waitFor();
}

/** @param {T} t */
async function waitSaved(t) {
  await t.page.getByRole('status').filter({ hasText: 'All answers saved.' }).waitFor({ timeout: 15_000 });
}

/** @param {T} t */
async function orderShown(t) {
  return t.page.locator('.ordering ol li .text').allTextContents();
}

/** @param {T} t @param {string} expect what the dialog says about unanswered questions */
async function submitThroughDialog(t, expect) {
  await t.page.getByRole('button', { name: 'Submit answers' }).click();
  const dialog = t.page.getByRole('dialog', { name: 'Submit your answers?' });
  await dialog.getByText(expect).waitFor();
  await dialog.getByRole('button', { name: 'Submit', exact: true }).click();
  await t.page.waitForURL(/\/attempts\/\d+\/review$/);
}

/** @type {Record<string, (t: T) => Promise<void>>} */
export const tests = {
  'learner fails a scenario quiz; autosave survives a reload; review marks missed evidence and explains the rule': async (t) => {
    const { page } = t;
    const { email, course, quiz } = await learnerWithQuiz(t);
    shared.email = email;
    shared.quizId = quiz.id;

    await t.goto(`/quizzes/${quiz.id}`);
    await page.locator('main h1', { hasText: 'Final test: foundations' }).waitFor();
    await page.getByText('0 of 3 used').waitFor();
    await page.getByText('40 minutes', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Start the quiz' }).click();
    await page.waitForURL(/\/attempts\/\d+$/);
    const id = attemptIdFromURL(t);
    shared.firstAttempt = id;
    await page.getByText('Time left').waitFor();

    const a = await attemptJSON(t, id);
    const n = a.questions.length;
    const ident = a.questions.find((q) => q.type === 'indicator_identification');
    const kase = a.questions.find((q) => q.type === 'case_assessment');
    const ordering = a.questions.find((q) => q.type === 'ordering');
    assert.ok(ident && kase && ordering, 'the quiz has identification, case assessment and ordering questions');

    // Wrong picks: two distractors, none of the indicators the case shows. The case is beside them.
    await openQuestion(t, ident.position, n);
    await page.getByRole('region', { name: 'The case' }).getByRole('heading', { name: 'At the bus station' }).waitFor();
    for (const code of busDistractors) await page.getByRole('checkbox', { name: new RegExp(code) }).check();
    // The explanation of each indicator is at hand.
    await page.getByText('What this indicator means').first().click();
    await waitSaved(t);

    // A wrong verdict.
    await openQuestion(t, kase.position, n);
    await page.getByRole('radio', { name: 'Trafficking in human beings' }).check();
    await page.getByRole('checkbox', { name: /Deceptive recruitment/ }).check();
    await waitSaved(t);

    // The ordering question with the keyboard alone: from the question's heading, Tab to the first
    // item's "Down" and press it twice; focus follows the item.
    await openQuestion(t, ordering.position, n);
    const before = await orderShown(t);
    await page.locator('#q-title').focus();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    assert.match(focused, /Down/, `Tab from the heading reaches "Down", not "${focused}"`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    const after = await orderShown(t);
    assert.equal(after[2], before[0], `the first item moved to the third place: ${JSON.stringify(after)}`);
    await page.getByText(`is now at place 3 of ${before.length}`).waitFor();
    await waitSaved(t);

    // A lost connection: the change stays on the page, the state says so, and it is saved once the
    // connection is back.
    t.allowConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/);
    await openQuestion(t, ident.position, n);
    await t.context.setOffline(true);
    await page.getByRole('checkbox', { name: /EXP-HOURS/ }).check();
    await page.getByRole('status').filter({ hasText: 'No connection. One unsaved answer stays on this page' }).waitFor({ timeout: 15_000 });
    await t.context.setOffline(false);
    await waitSaved(t);

    // Reload: the answers come back from the server.
    await page.reload();
    await page.locator('#q-title').waitFor();
    await openQuestion(t, ident.position, n);
    for (const code of [...busDistractors, 'EXP-HOURS']) {
      assert.ok(await page.getByRole('checkbox', { name: new RegExp(code) }).isChecked(), `${code} kept`);
    }
    assert.ok(!(await page.getByRole('checkbox', { name: /REC-COE-DOCS/ }).isChecked()));
    await openQuestion(t, ordering.position, n);
    assert.deepEqual(await orderShown(t), after, 'the order is kept');
    await openQuestion(t, kase.position, n);
    assert.ok(await page.getByRole('radio', { name: 'Trafficking in human beings' }).isChecked(), 'the verdict is kept');
    await page.getByText(`Answered: 3 of ${n}`).waitFor();

    await submitThroughDialog(t, `${n - 3} questions are not answered and will earn no points.`);
    await page.locator('main h1', { hasText: 'Review: Final test: foundations' }).waitFor();
    await page.getByText('✗ not passed').first().waitFor();

    // The identification question: the missed indicators, with their evidence marked in the case.
    const identReview = page.locator('article', { has: page.getByRole('heading', { name: `Question ${ident.position}`, exact: true }) });
    await identReview.getByRole('heading', { name: /^Missed \(4\)/ }).waitFor();
    await identReview.getByRole('heading', { name: /^Marked wrongly/ }).waitFor();
    for (const code of busPresent) {
      await identReview.locator(`mark.ev-missed[data-tag="${code}"]`).first().waitFor();
    }
    assert.equal(await identReview.locator('.narrative mark.ev-found').count(), 0);
    await identReview.getByText('Marks in the case').waitFor();
    await identReview.getByRole('link', { name: '„holds two passports“' }).waitFor();
    assert.match((await identReview.locator('mark[data-tag="REC-COE-DOCS"]').textContent()) ?? '', /Missed indicator .*REC-COE-DOCS.*holds two passports/);

    // The case assessment: the rule's reasoning.
    const caseReview = page.locator('article', { has: page.getByRole('heading', { name: `Question ${kase.position}`, exact: true }) });
    await caseReview.getByRole('heading', { name: 'How the decision rule decided' }).waitFor();
    await caseReview.getByText('Under the decision rule the case is: Not enough information to classify').waitFor();
    await caseReview.getByText(/Coercive recruitment \(D2\) is not positive: .* \(medium\).* meet none of the thresholds\./).waitFor();
    await caseReview.getByText(/Not enough to classify: no dimension is positive\./).waitFor();
    await caseReview.getByText(/"Trafficking in human beings" would also need: a recruitment dimension/).waitFor();

    await page.getByRole('link', { name: 'Back to the course' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Back to the course' }).getAttribute('href'), `/courses/${course.id}`);
  },

  'the same learner passes on a second attempt answered rightly': async (t) => {
    const { page } = t;
    assert.ok(shared.firstAttempt, 'runs after the failed attempt above');
    const login = await t.context.request.post('/api/v1/auth/login', { data: { email: shared.email, password: PASSWORD } });
    assert.equal(login.status(), 200);

    // The right answers, from the first attempt as the course's authors (the demo admin) see it,
    // or else from the learner's own review (the quiz shows right answers after submitting).
    let first;
    if (process.env.DEMO_PASSWORD) {
      const admin = await apiSession(t, demo.admin, process.env.DEMO_PASSWORD);
      first = await (await admin.get(`/api/v1/attempts/${shared.firstAttempt}`)).json();
      await admin.dispose();
    } else {
      first = await attemptJSON(t, shared.firstAttempt);
    }
    /** @type {Map<number, any>} */
    const key = new Map(first.questions.map((/** @type {Q} */ q) => [q.question_id, q.solution?.mark]));

    await t.goto(`/quizzes/${shared.quizId}`);
    await page.getByText('1 of 3 used').waitFor();
    await page.getByRole('row', { name: /not passed/ }).getByRole('link', { name: /Review/ }).waitFor();
    await page.getByRole('button', { name: 'Start a new attempt' }).click();
    await page.waitForURL(/\/attempts\/\d+$/);
    const id = attemptIdFromURL(t);
    const a = await attemptJSON(t, id);
    const n = a.questions.length;

    for (const q of a.questions) {
      const mark = key.get(q.question_id);
      assert.ok(mark, `the answer key has question ${q.question_id}`);
      await openQuestion(t, q.position, n);
      const text = (/** @type {string} */ cid) => q.choices?.find((c) => c.id === cid)?.text ?? cid;
      switch (q.type) {
        case 'single_choice': {
          const right = mark.options.find((/** @type {{correct: boolean}} */ o) => o.correct);
          await page.getByRole('radio', { name: text(right.id), exact: true }).check();
          break;
        }
        case 'multiple_choice':
          for (const o of mark.options) {
            if (o.correct) await page.getByRole('checkbox', { name: text(o.id), exact: true }).check();
          }
          break;
        case 'true_false': {
          const right = mark.options.find((/** @type {{correct: boolean}} */ o) => o.correct);
          await page.getByRole('radio', { name: right.id === 'true' ? 'True' : 'False', exact: true }).check();
          break;
        }
        case 'indicator_identification':
          for (const ind of mark.identification.indicators) {
            if (ind.outcome === 'found' || ind.outcome === 'missed') await page.getByRole('checkbox', { name: new RegExp(ind.code) }).check();
          }
          break;
        case 'case_assessment': {
          const names = { trafficking: 'Trafficking in human beings', exploitation: 'Exploitation without the means of trafficking', insufficient: 'Not enough information to classify' };
          await page.getByRole('radio', { name: names[/** @type {'trafficking'} */ (mark.case.expected.outcome)] }).check();
          for (const d of mark.case.expected.dimensions) {
            const label = q.dimensions?.find((x) => x.id === d.code)?.text ?? d.code;
            await page.getByRole('checkbox', { name: new RegExp(label) }).setChecked(d.positive);
          }
          // Saving needs a change; with no dimension positive the outcome alone is the answer.
          break;
        }
        case 'ordering': {
          const want = [...mark.order.items].sort((x, y) => x.expected - y.expected).map((x) => text(x.id));
          for (let i = 0; i < want.length; i++) {
            for (;;) {
              const now = await orderShown(t);
              const at = now.indexOf(/** @type {string} */ (want[i]));
              if (at <= i) break;
              await page.locator('.ordering ol li').nth(at).getByRole('button', { name: 'Up', exact: true }).click();
            }
          }
          break;
        }
        case 'matching':
          for (const m of mark.matches) {
            // Items are ids; the learner sees (and the mark gives) their texts in the attempt's language.
            await page.getByLabel(m.left_text ?? m.left, { exact: true }).selectOption({ label: m.expected_text ?? m.expected });
          }
          break;
        default:
          assert.fail(`unexpected question type ${q.type}`);
      }
    }
    await waitSaved(t);
    await page.getByText(`Answered: ${n} of ${n}`).waitFor();
    await submitThroughDialog(t, `You have answered all ${n} questions.`);
    await page.getByText('✓ passed').first().waitFor();
    // Matching items are ids underneath; the review shows their texts, never the ids.
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /\b[LR]-[0-9a-f]{6,}/);
    const done = await attemptJSON(t, id);
    assert.equal(done.passed, true, `score ${done.score}`);
    assert.equal(done.score, 1);

    await t.goto(`/quizzes/${shared.quizId}`);
    await page.getByText('Your grade: 100%').waitFor();
    await page.getByText('2 of 3 used').waitFor();

    // The last attempt is used elsewhere (another tab) while this page still offers to start one:
    // the server's refusal is shown in the user's language, and the page then says why.
    const third = await t.context.request.post(`/api/v1/quizzes/${shared.quizId}/attempts`);
    assert.equal(third.status(), 201);
    assert.equal((await t.context.request.post(`/api/v1/attempts/${(await third.json()).id}/submit`)).status(), 200);
    await chooseLanguage(t, 'sr-Cyrl');
    await page.getByRole('button', { name: 'Започни нови покушај' }).click();
    await page.getByRole('alert').filter({ hasText: 'Искористили сте све дозвољене покушаје за овај квиз.' }).waitFor();
    await page.getByText('Искористили сте све дозвољене покушаје.', { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Започни нови покушај' }).count(), 0);
  },

  'with feedback after each question, a checked answer is marked and locked': async (t) => {
    const { page } = t;
    const { course } = await learnerWithQuiz(t);
    const quizzes = await (await t.context.request.get('/api/v1/quizzes', { params: { course_id: course.id } })).json();
    const practice = quizzes.items.find((/** @type {{settings: {feedback_timing: string}}} */ q) => q.settings.feedback_timing === 'after_each');
    assert.ok(practice, 'the foundation course has a practice quiz with feedback after each question');
    await t.goto(`/quizzes/${practice.id}`);
    await page.getByText('after each question', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Start the quiz' }).click();
    await page.waitForURL(/\/attempts\/\d+$/);
    const id = attemptIdFromURL(t);
    const a = await attemptJSON(t, id);
    const ident = /** @type {Q} */ (a.questions.find((q) => q.type === 'indicator_identification'));
    await openQuestion(t, ident.position, a.questions.length);
    const first = page.getByRole('checkbox').first();
    await first.check();
    await page.getByRole('button', { name: 'Check answer' }).click();
    await page.getByRole('heading', { name: 'Feedback' }).waitFor();
    await page.getByText(/You recognised \d+ of the \d+ indicators present/).waitFor();
    assert.ok(await first.isDisabled(), 'a checked answer is locked');
    await t.axe('attempt with feedback');
    await page.reload();
    await page.locator('#q-title').waitFor();
    await openQuestion(t, ident.position, a.questions.length);
    await page.getByRole('heading', { name: 'Feedback' }).waitFor();
    assert.ok(await page.getByRole('checkbox').first().isDisabled(), 'still locked after a reload');
  },

  'a timed attempt is submitted by the server when time runs out, and the page goes to the review': async (t) => {
    const { page } = t;
    const password = process.env.DEMO_PASSWORD;
    if (!password) t.skip('needs the demo admin (DEMO_PASSWORD) to make a course with a short time limit');
    const admin = await apiSession(t, demo.admin, /** @type {string} */ (password));
    /** @param {import('playwright-core').APIResponse} res */
    const ok = async (res) => {
      assert.ok(res.ok(), `${res.url()}: ${res.status()} ${await res.text()}`);
      return res.json();
    };
    const slug = `timed-${Date.now().toString(36)}`;
    const course = await ok(
      await admin.post('/api/v1/courses', { data: { slug, title: { sr: 'Кратак тест', en: 'A short timed test' }, professions: ['other'], level: 'introductory' } }),
    );
    try {
      const mod = await ok(await admin.post(`/api/v1/courses/${course.id}/modules`, { data: { title: { sr: 'Модул', en: 'Module' } } }));
      await ok(await admin.post(`/api/v1/modules/${mod.id}/lessons`, { data: { title: { sr: 'Лекција', en: 'Lesson' }, body: { sr: 'Текст.', en: 'Text.' } } }));
      const question = await ok(
        await admin.post('/api/v1/questions', {
          data: { course_id: course.id, content: { type: 'true_false', title: 'tf', stem: { sr: 'Тачно?', en: 'Is this true?' }, answer: true } },
        }),
      );
      const quiz = await ok(
        await admin.post('/api/v1/quizzes', {
          data: {
            module_id: mod.id,
            settings: { title: { sr: 'Кратак тест', en: 'Eight seconds' }, pass_mark: 0.5, time_limit_seconds: 8 },
            slots: [{ question_id: question.id }],
          },
        }),
      );
      await ok(await admin.post(`/api/v1/quizzes/${quiz.id}/publish`));
      await ok(await admin.post(`/api/v1/courses/${course.id}/publish`));

      await registerByApi(t, { email: uniqueEmail('timed'), name: 'Tea Timed', profession: 'other', locale: 'en' });
      await ok(await t.context.request.post(`/api/v1/courses/${course.id}/enrolment`));
      await t.goto(`/quizzes/${quiz.id}`);
      await page.getByText('Once you start you have 1 minute').waitFor();
      await page.getByRole('button', { name: 'Start the quiz' }).click();
      await page.waitForURL(/\/attempts\/\d+$/);
      await page.getByText('Time left').waitFor();
      await page.getByRole('radio', { name: 'True', exact: true }).check();
      await waitSaved(t);
      // No submit: the deadline passes, the server submits, and the page follows.
      await page.waitForURL(/\/attempts\/\d+\/review$/, { timeout: 20_000 });
      await page.getByText('Time ran out and the attempt was submitted automatically').waitFor();
      await page.getByText('✓ passed').first().waitFor();
    } finally {
      await admin.post(`/api/v1/courses/${course.id}/archive`);
      await admin.dispose();
    }
  },

  'Serbian content follows the chosen script': async (t) => {
    const { page } = t;
    const { quiz } = await learnerWithQuiz(t);
    await t.goto(`/quizzes/${quiz.id}`);
    await chooseLanguage(t, 'sr-Cyrl');
    await page.locator('main h1', { hasText: 'Завршни тест: основе' }).waitFor();
    await page.getByRole('button', { name: 'Започни квиз' }).click();
    await page.waitForURL(/\/attempts\/\d+$/);
    const a = await attemptJSON(t, attemptIdFromURL(t));
    const ident = /** @type {Q} */ (a.questions.find((q) => q.type === 'indicator_identification'));
    await page.getByRole('navigation', { name: 'Питања' }).getByRole('button', { name: new RegExp(`^Питање ${ident.position},`) }).click();
    await page.getByRole('region', { name: 'Опис случаја' }).getByRole('heading', { name: 'На аутобуској станици' }).waitFor();
    await chooseLanguage(t, 'sr-Latn');
    await page.getByRole('region', { name: 'Opis slučaja' }).getByRole('heading', { name: 'Na autobuskoj stanici' }).waitFor();
    await page.getByRole('region', { name: 'Opis slučaja' }).getByText(/blagajnic/).first().waitFor();
    assert.equal(await page.locator('.case-col .scenario').getAttribute('lang'), 'sr-Latn');
  },

  'quiz, attempt and review pages pass axe in every language and fit 360 px': async (t) => {
    const { page } = t;
    const { quiz } = await learnerWithQuiz(t);
    await t.goto(`/quizzes/${quiz.id}`);
    await page.getByRole('button', { name: 'Start the quiz' }).waitFor();
    for (const l of languages) {
      await chooseLanguage(t, l.code);
      await t.axe(`quiz page (${l.code})`);
    }
    await chooseLanguage(t, 'en');
    await page.getByRole('button', { name: 'Start the quiz' }).click();
    await page.waitForURL(/\/attempts\/\d+$/);
    const id = attemptIdFromURL(t);
    const a = await attemptJSON(t, id);
    const ident = /** @type {Q} */ (a.questions.find((q) => q.type === 'indicator_identification'));
    await openQuestion(t, ident.position, a.questions.length);
    await page.getByRole('checkbox', { name: /REC-COE-DOCS/ }).check();
    await page.getByText('What this indicator means').first().click();
    await waitSaved(t);
    for (const l of languages) {
      await chooseLanguage(t, l.code);
      await t.axe(`attempt (${l.code})`);
    }
    await chooseLanguage(t, 'en');
    // The confirmation dialog too.
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByRole('dialog').waitFor();
    await t.axe('submit dialog');
    await page.keyboard.press('Escape');

    const ordering = /** @type {Q} */ (a.questions.find((q) => q.type === 'ordering'));
    await openQuestion(t, ordering.position, a.questions.length);
    // Dragging is a shortcut for the buttons.
    const items = page.locator('.ordering ol li');
    const before = await orderShown(t);
    await items.nth(0).dragTo(items.nth(2), { sourcePosition: { x: 12, y: 12 }, targetPosition: { x: 12, y: 12 } });
    assert.equal((await orderShown(t))[2], before[0], 'dragging the first item onto the third moves it there');
    await page.getByText('is now at place 3 of').waitFor();
    await page.setViewportSize({ width: 360, height: 740 });
    await assertFits(t, 360);
    await openQuestion(t, ident.position, a.questions.length);
    await assertFits(t, 360);
    await t.goto(`/quizzes/${quiz.id}`);
    await page.getByRole('button', { name: 'Continue the attempt' }).waitFor();
    await assertFits(t, 360);

    const submit = await t.context.request.post(`/api/v1/attempts/${id}/submit`);
    assert.equal(submit.status(), 200);
    await t.goto(`/attempts/${id}/review`);
    await page.getByText('✗ not passed').first().waitFor();
    await assertFits(t, 360);
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const l of languages) {
      await chooseLanguage(t, l.code);
      await t.axe(`review (${l.code})`);
    }
  },
};

requireApi(tests);
