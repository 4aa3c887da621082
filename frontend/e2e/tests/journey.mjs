// A learner's whole way through, in one go: they sign up with their institution's invitation
// code, find the course, read its lesson, fail its scenario quiz, pass it on a second attempt,
// and download the completion certificate the course then issues (its PDF text is checked). The
// course is made through the API by the demo trainer: one lesson, a case with three indicators
// present and two distractors, and a quiz the completion rule requires.
import assert from 'node:assert/strict';
import { apiSession, demo, demoPassword, invitationCode, me, pdfText, requireApi, signUp, uniqueEmail } from '../helpers.mjs';

/** @typedef {import('../run.mjs').TestContext} T */

const present = ['COE-DOCS', 'COE-ISOLATION', 'EXP-HOURS'];
const distractors = ['COE-DEBT', 'COE-VIOLENCE'];

/** @param {T} t */
async function courseWithQuiz(t) {
  const tag = Date.now().toString(36);
  const trainer = await apiSession(t, demo.trainer, demoPassword(t));
  const ok = async (/** @type {Promise<import('playwright-core').APIResponse>} */ p, status = 201) => {
    const res = await p;
    assert.equal(res.status(), status, `${res.url()}: ${await res.text()}`);
    return res.json();
  };
  const title = { sr: `Градилиште ${tag}`, en: `The building site ${tag}` };
  const course = await ok(
    trainer.post('/api/v1/courses', {
      data: {
        slug: `journey-${tag}`,
        title,
        summary: { sr: 'Случај са градилишта.', en: 'A case from a building site.' },
        professions: ['police'],
        level: 'introductory',
        hours: 2,
        self_enrol: true,
      },
    }),
  );
  const mod = await ok(trainer.post(`/api/v1/courses/${course.id}/modules`, { data: { title: { sr: 'Случај', en: 'The case' } } }));
  const lesson = await ok(
    trainer.post(`/api/v1/modules/${mod.id}/lessons`, {
      data: {
        title: { sr: 'Шта тражити', en: 'What to look for' },
        body: { sr: 'Документа, изолација, прековремени рад.\n\n## Извори\n\n- Конвенција Савета Европе, чл. 10.\n', en: 'Documents, isolation, overtime.\n\n## Sources\n\n- Council of Europe Convention, art. 10.\n' },
        reading_minutes: 3,
      },
    }),
  );
  const narrative = {
    sr: 'Радник са градилишта каже да му је послодавац узео пасош „ради папира“. Спава у контејнеру на градилишту, не сме да излази сам и ради по четрнаест сати дневно.',
    en: 'A worker from a building site says the employer took his passport "for the paperwork". He sleeps in a container on the site, may not go out alone and works fourteen hours a day.',
  };
  const scenario = await ok(
    trainer.post('/api/v1/scenarios', {
      data: {
        course_id: course.id,
        title: { sr: 'Градилиште', en: 'The building site' },
        age_group: 'adult',
        exploitation: 'labour',
        professions: ['police'],
        narrative,
        present,
      },
    }),
  );
  const question = await ok(
    trainer.post('/api/v1/questions', {
      data: {
        course_id: course.id,
        content: {
          type: 'indicator_identification',
          stem: { sr: 'Који су показатељи присутни?', en: 'Which indicators are present?' },
          scenario_id: scenario.id,
          distractors,
        },
      },
    }),
  );
  const quiz = await ok(
    trainer.post('/api/v1/quizzes', {
      data: {
        module_id: mod.id,
        settings: { title: { sr: 'Провера: градилиште', en: 'Check: the building site' }, pass_mark: 0.8, attempts_allowed: 3 },
        slots: [{ question_id: question.id }],
      },
    }),
  );
  await ok(trainer.post(`/api/v1/quizzes/${quiz.id}/publish`), 200);
  const draft = await ok(trainer.get(`/api/v1/courses/${course.id}/draft`), 200);
  await ok(
    trainer.patch(`/api/v1/courses/${course.id}`, {
      data: { version: draft.version, completion: { min_attended_hours: 0, quizzes: [{ quiz_id: quiz.id, min_score: 0.8 }] } },
    }),
    200,
  );
  await ok(trainer.post(`/api/v1/courses/${course.id}/publish`), 200);
  await trainer.dispose();
  return { id: /** @type {number} */ (course.id), title, lesson: /** @type {number} */ (lesson.id), quiz: /** @type {number} */ (quiz.id) };
}

/**
 * Takes the quiz from its page: ticks codes, submits through the dialog, lands on the review.
 * @param {T} t @param {number} quizId @param {string[]} codes @param {string} startLabel
 */
async function takeQuiz(t, quizId, codes, startLabel) {
  const { page } = t;
  await t.goto(`/quizzes/${quizId}`);
  await page.locator('main h1', { hasText: 'Check: the building site' }).waitFor();
  await page.getByRole('button', { name: startLabel }).click();
  await page.waitForURL(/\/attempts\/\d+$/);
  await page.getByRole('region', { name: 'The case' }).getByText('works fourteen hours a day').waitFor();
  for (const code of codes) await page.getByRole('checkbox', { name: new RegExp(code) }).check();
  await page.getByRole('status').filter({ hasText: 'All answers saved.' }).waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Submit answers' }).click();
  const dialog = page.getByRole('dialog', { name: 'Submit your answers?' });
  await dialog.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.waitForURL(/\/attempts\/\d+\/review$/);
}

/** @type {Record<string, (t: T) => Promise<void>>} */
export const tests = {
  'a learner joins with a code, fails then passes the scenario quiz, and downloads the certificate': async (t) => {
    const { page } = t;
    const course = await courseWithQuiz(t);
    const code = await invitationCode(t);
    const name = 'Đorđe Radnić';
    await signUp(t, { email: uniqueEmail('journey'), name, code, profession: 'police' });
    assert.ok((await me(t)).institution, 'the invitation code made the learner a member');

    // The catalogue, the course, enrolment, the lesson.
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Courses' }).click();
    await page.getByLabel('Search titles and summaries').fill(course.title.en);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: course.title.en }).click();
    await page.locator('main h1', { hasText: course.title.en }).waitFor();
    await page.getByRole('button', { name: 'Enrol' }).click();
    await page.getByText('0% done').waitFor();
    await page.getByRole('link', { name: 'Continue with the next lesson' }).click();
    await page.locator('main h1', { hasText: 'What to look for' }).waitFor();
    await page.getByRole('button', { name: 'Mark as read' }).click();
    await page.getByText(/Lesson marked as read/).waitFor();
    await t.axe('lesson read');

    // First attempt: the two distractors only. Not passed; the review says what was missed.
    await takeQuiz(t, course.quiz, distractors, 'Start the quiz');
    await page.getByText('✗ not passed').first().waitFor();
    await page.getByRole('heading', { name: /^Missed \(3\)/ }).waitFor();
    await t.axe('review, failed');
    await t.goto(`/courses/${course.id}`);
    await page.locator('main h1', { hasText: course.title.en }).waitFor();
    assert.equal(await page.getByText('Course completed.').count(), 0, 'a failed quiz does not complete the course');

    // Second attempt: the indicators the case shows. Passed, and the course is complete.
    await takeQuiz(t, course.quiz, present, 'Start a new attempt');
    await page.getByText('✓ passed').first().waitFor();
    await t.goto(`/courses/${course.id}`);
    await page.getByText('Course completed.').waitFor();

    // The certificate: listed, downloaded, and its PDF names the learner, the course and the hours.
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'My certificates' }).click();
    await page.locator('main h1', { hasText: 'My certificates' }).waitFor();
    const card = page.locator('main li.card', { hasText: course.title.en });
    await card.waitFor({ timeout: 15_000 });
    await t.axe('my certificates');
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: /^Download PDF/ }).click()]);
    const text = await pdfText(download);
    assert.ok(text.includes(name), `the PDF names ${name}:\n${text}`);
    assert.ok(text.includes(course.title.en) || text.includes(course.title.sr), `the PDF names the course:\n${text}`);
    assert.match(text, /\b2\b/, 'the PDF gives the hours');
  },
};

requireApi(tests, { demo: true });
