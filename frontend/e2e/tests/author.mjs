// What trainers do: write a course (modules, lessons in Markdown with the server's preview),
// order it with the keyboard, write a case and tag evidence in its narrative, ask a question on
// it, and publish. Needs the demo trainer (serve --demo --demo-password "$DEMO_PASSWORD").
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { apiNewUser, apiSession, assertFits, chooseLanguage, demo, demoPassword, languages, open, requireApi, signIn } from '../helpers.mjs';

/** @typedef {import('../run.mjs').TestContext} T */

/** @type {Record<string, (t: T) => Promise<void>>} */
export const tests = {};

/** @param {T} t */
async function asTrainer(t) {
  await signIn(t, demo.trainer, demoPassword(t));
  await chooseLanguage(t, 'en');
}

/**
 * Runs axe on the page in every language, and leaves it in English.
 * @param {T} t @param {string} label
 */
async function axeAll(t, label) {
  for (const l of languages) {
    await chooseLanguage(t, l.code);
    await t.axe(`${label} (${l.code})`);
  }
  await chooseLanguage(t, 'en');
}

const unique = () => `e2e-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;

/**
 * A course with a module, two lessons with text, a case with evidence and a question, made
 * through the API as the demo trainer.
 * @param {T} t
 */
async function courseByApi(t) {
  const api = await apiSession(t, demo.trainer, demoPassword(t));
  const post = async (/** @type {string} */ path, /** @type {unknown} */ data, method = 'post') => {
    const res = await api[/** @type {'post'} */ (method)](`/api/v1${path}`, { data });
    assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
    return res.json();
  };
  const slug = unique();
  const course = await post('/courses', { slug, title: { sr: `Обука ${slug}`, en: `Course ${slug}` }, professions: ['police'], level: 'introductory' });
  const mod = await post(`/courses/${course.id}/modules`, { title: { sr: 'Увод', en: 'Introduction' } });
  const lesson = await post(`/modules/${mod.id}/lessons`, { title: { sr: 'Прва лекција', en: 'First lesson' }, body: { sr: '## Шта је трговина људима\n\nТекст **лекције**.', en: '' } });
  const narrative = 'Марија је дошла да ради у пекари. Плату никад није добила, а пасош јој је узет.';
  const start = narrative.indexOf('Плату никад није добила');
  const quote = 'Плату никад није добила';
  const scenario = await post('/scenarios', {
    course_id: course.id,
    title: { sr: 'Пекара', en: 'The bakery' },
    age_group: 'adult',
    exploitation: 'labour',
    professions: ['police'],
    content_warning: { sr: '', en: '' },
    narrative: { sr: narrative, en: '' },
    present: ['REC-DEC-WAGES'],
    evidence: { sr: [{ indicator: 'REC-DEC-WAGES', start, end: start + [...quote].length, quote }], en: [] },
  });
  const question = await post('/questions', {
    course_id: course.id,
    category_id: null,
    tags: [],
    content: { type: 'indicator_identification', stem: { sr: 'Који индикатори су присутни?', en: 'Which indicators are present?' }, scenario_id: scenario.id },
  });
  await api.dispose();
  return { course, mod, lesson, scenario, question };
}

tests['a trainer writes a course, orders it with the keyboard, tags evidence in a case and publishes it'] = async (t) => {
  const { page } = t;
  await asTrainer(t);
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Authoring' }).click();
  await page.locator('main h1', { hasText: 'My courses' }).waitFor();

  // A new course.
  await page.getByRole('link', { name: 'New course' }).click();
  await page.locator('main h1', { hasText: 'New course' }).waitFor();
  const slug = unique();
  const title = `Препознавање ${slug}`;
  await page.locator('#title-sr').fill(title);
  assert.equal(await page.getByLabel('Slug for the address').inputValue(), `prepoznavanje-${slug}`, 'the slug follows the title');
  await page.locator('#title-en').fill(`Recognising ${slug}`);
  await page.locator('#summary-sr').fill('Кратак опис обуке.');
  await page.getByLabel('Slug for the address').fill(slug);
  await page.getByRole('checkbox', { name: 'Police' }).check();
  await page.getByRole('button', { name: 'Create course' }).click();
  await page.locator('main h1', { hasText: 'Edit course' }).waitFor();
  const courseId = Number(new URL(page.url()).pathname.split('/').pop());
  assert.ok(courseId > 0, page.url());

  // Two modules; two lessons in the first.
  for (const name of ['Први модул', 'Други модул']) {
    await page.locator('#new-module-sr').fill(name);
    await page.getByRole('button', { name: 'Add module' }).click();
    await page.locator('main h3', { hasText: name }).waitFor();
  }
  for (const name of ['Лекција А', 'Лекција Б']) {
    await page.getByLabel('New lesson in the module “Први модул”').fill(name);
    await page.getByRole('button', { name: 'Add lesson' }).first().click();
    await page.getByRole('link', { name, exact: true }).waitFor();
  }

  // Keyboard reordering: B up, then A over to the second module.
  const firstModule = page.locator('ol.modules > li').first();
  const up = page.getByRole('button', { name: 'Move the lesson “Лекција Б” up' });
  await up.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'The lesson is now 1 of 2' }).waitFor();
  assert.deepEqual(await firstModule.locator('ol.lessons > li a').allTextContents(), ['Лекција Б', 'Лекција А']);
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);
  assert.match(String(focused), /Лекција Б/, 'focus stays with the moved lesson');
  await page.getByLabel('Module to move the lesson “Лекција А” to').selectOption({ label: 'Други модул' });
  await page.getByRole('button', { name: 'Move the lesson “Лекција А” to the chosen module' }).press('Enter');
  await page.getByRole('status').filter({ hasText: 'in the module “Други модул”' }).waitFor();
  assert.deepEqual(await page.locator('ol.modules > li').nth(1).locator('ol.lessons > li a').allTextContents(), ['Лекција А']);

  // Dragging does the same: A back before B.
  await page.locator('li.lesson', { hasText: 'Лекција А' }).dragTo(page.locator('li.lesson', { hasText: 'Лекција Б' }));
  await page.getByRole('status').filter({ hasText: 'The lesson is now 1 of 2 in the module “Први модул”' }).waitFor();
  assert.deepEqual(await firstModule.locator('ol.lessons > li a').allTextContents(), ['Лекција А', 'Лекција Б']);

  // Each lesson gets its text; the preview is the server's rendering.
  for (const name of ['Лекција Б', 'Лекција А']) {
    await page.getByRole('link', { name, exact: true }).click();
    await page.locator('main h1', { hasText: 'Edit lesson' }).waitFor();
    await page.locator('#body-sr').fill(`## ${name}\n\nРадник **није добио** плату.\n\n<script>alert(1)</script>`);
    await page.getByRole('button', { name: 'Save and refresh the preview' }).click();
    await page.locator('.lesson-html strong', { hasText: 'није добио' }).waitFor();
    assert.equal(await page.locator('.lesson-html script').count(), 0, 'the preview is sanitised');
    assert.equal(await page.locator('.lesson-html').getAttribute('lang'), 'sr-Cyrl', 'the Serbian preview is read as Serbian on an English page');
    await page.getByRole('link', { name: 'Back to the course' }).click();
    await page.locator('main h1', { hasText: 'Edit course' }).waitFor();
  }

  // A case, with a passage of its narrative tagged as evidence.
  await page.getByRole('link', { name: 'New case' }).click();
  await page.locator('main h1', { hasText: 'New case' }).waitFor();
  await page.locator('#title-sr').fill('Пекара');
  await page.getByRole('group', { name: 'Professions the case is for' }).getByRole('checkbox', { name: 'Police' }).check();
  await page.getByRole('checkbox', { name: /Deceived about pay/ }).check();
  const narrative = 'Марија је дошла да ради у пекари. Плату никад није добила, а пасош јој је узет.';
  await page.locator('#narrative-sr').fill(narrative);
  const quote = 'Плату никад није добила';
  await page.evaluate((q) => {
    const area = /** @type {HTMLTextAreaElement} */ (document.querySelector('#narrative-sr'));
    const at = area.value.indexOf(q);
    area.focus();
    area.setSelectionRange(at, at + q.length);
  }, quote);
  await page.locator('#tag-sr').selectOption({ label: 'Deceived about pay' });
  await page.locator('section.narrative').first().getByRole('button', { name: 'Tag the selected text as evidence' }).click();
  await page.getByRole('list', { name: 'Evidence in the narrative: Serbian' }).getByText(quote).waitFor();
  await page.locator('.marked-text mark', { hasText: quote }).waitFor();
  await page.getByRole('button', { name: 'Create case' }).click();
  await page.locator('main h1', { hasText: 'Edit case' }).waitFor();
  const scenarioId = Number(new URL(page.url()).pathname.split('/').pop());
  const sc = await (await t.context.request.get(`/api/v1/scenarios/${scenarioId}`)).json();
  assert.deepEqual(sc.evidence.sr, [{ indicator: 'REC-DEC-WAGES', start: narrative.indexOf(quote), end: narrative.indexOf(quote) + quote.length, quote }]);

  // A question on the case, previewed as learners see it.
  await page.getByRole('link', { name: 'New question on this case' }).click();
  await page.locator('main h1', { hasText: 'New question' }).waitFor();
  await page.getByLabel('Case', { exact: true }).selectOption({ label: 'Пекара' });
  await page.locator('#stem-sr').fill('Који индикатори су присутни у случају?');
  await page.locator('.question-preview').getByText('Плату никад није добила', { exact: false }).waitFor();
  // The learners' own candidate list: a checkbox per indicator that the author can tick.
  const preview = page.locator('.question-preview');
  await preview.getByRole('checkbox', { name: /Deceived about pay/ }).check();
  await preview.getByText('1 indicator marked.').waitFor();
  await preview.locator('.scenario .narrative p', { hasText: 'Плату никад није добила' }).waitFor();
  // Texts written only in Serbian are marked Serbian, on an English page.
  assert.equal(await preview.locator('.scenario').getAttribute('lang'), 'sr-Cyrl');
  assert.equal(await preview.locator('.quiz-q').getAttribute('lang'), 'sr-Cyrl');
  await page.getByRole('button', { name: 'Create question' }).click();
  await page.locator('main h1', { hasText: 'Edit question' }).waitFor();

  // Publish, with the summary of what changes.
  await t.goto(`/author/courses/${courseId}`);
  await page.locator('main h1', { hasText: 'Edit course' }).waitFor();
  await page.getByRole('button', { name: 'Rename the module “Први модул”' }).click();
  await page.getByRole('group', { name: 'Module title' }).getByLabel('Serbian').fill('Уводни модул');
  await page.getByRole('button', { name: 'Save', exact: true }).last().click();
  await page.locator('main h3', { hasText: 'Уводни модул' }).waitFor();
  await page.getByRole('button', { name: 'Publish…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Publish the course?' });
  await dialog.getByText('First publication: 2 modules, 2 lessons.').waitFor();
  await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'The course was published (revision 1).' }).waitFor();

  // A change, and the summary says what it is.
  await page.getByRole('button', { name: 'Move the module “Други модул” up' }).click();
  await page.getByRole('status').filter({ hasText: 'The module is now 1 of 2' }).waitFor();
  await page.getByRole('button', { name: 'Publish…' }).click();
  await dialog.getByText('The order of the modules changed.').waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  // Modules are dragged by their heads.
  await page.locator('.module-head', { hasText: 'Уводни модул' }).dragTo(page.locator('ol.modules > li').first());
  await page.locator('ol.modules > li').first().locator('h3', { hasText: 'Уводни модул' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'The module is now 1 of 2' }).waitFor();
  assert.deepEqual(await page.locator('ol.modules > li h3').allTextContents(), ['Уводни модул', 'Други модул']);

  // A learner finds it in the catalogue.
  const learner = await apiSession(t, demo.learner, demoPassword(t));
  const res = await learner.get(`/api/v1/courses?q=${encodeURIComponent(slug)}`);
  assert.equal(res.status(), 200);
  const found = (await res.json()).items.map((/** @type {{ id: number }} */ c) => c.id);
  await learner.dispose();
  assert.ok(found.includes(courseId), `course ${courseId} is in the learner's catalogue: ${JSON.stringify(found)}`);
};

tests['a conflicting edit of a course is explained and reloaded'] = async (t) => {
  const { page } = t;
  const { course } = await courseByApi(t);
  await asTrainer(t);
  await open(t, `/author/courses/${course.id}`, 'Edit course');
  // Someone else saves first.
  const other = await apiSession(t, demo.trainer, demoPassword(t));
  const draft = await (await other.get(`/api/v1/courses/${course.id}/draft`)).json();
  const res = await other.patch(`/api/v1/courses/${course.id}`, { data: { version: draft.version, hours: 5 } });
  assert.equal(res.status(), 200, await res.text());
  await other.dispose();
  await page.locator('#summary-sr').fill('Моја измена.');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Someone else changed this course meanwhile' }).waitFor();
  assert.equal(await page.getByLabel('Length (hours)').inputValue(), '5');
};

tests['the course pages pass axe in every language'] = async (t) => {
  const { course, lesson } = await courseByApi(t);
  await asTrainer(t);
  await open(t, '/author/courses', 'My courses');
  await axeAll(t, 'courses');
  await open(t, `/author/courses/${course.id}`, 'Edit course');
  await axeAll(t, 'course editor');
  await page(t).locator('#summary-en').fill('Not saved yet.');
  await page(t).getByRole('button', { name: 'Publish…' }).click();
  await page(t).getByRole('dialog').getByText('The details have unsaved edits').waitFor();
  await t.axe('publish dialog');
  await page(t).getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await open(t, `/author/lessons/${lesson.id}`, 'Edit lesson');
  await page(t).locator('.lesson-html h2').waitFor();
  await axeAll(t, 'lesson editor');
  await open(t, '/author/courses/new', 'New course');
  await axeAll(t, 'new course');
};

tests['the case, question and import pages pass axe in every language'] = async (t) => {
  const { course, mod, scenario, question } = await courseByApi(t);
  await asTrainer(t);
  await open(t, `/author/scenarios/${scenario.id}`, 'Edit case');
  await page(t).getByText('Плату никад није добила').first().waitFor();
  await axeAll(t, 'case editor');
  await open(t, `/author/questions/${question.id}`, 'Edit question');
  await page(t).locator('.question-preview').waitFor();
  await axeAll(t, 'question editor');
  await open(t, `/author/questions/new?course=${course.id}`, 'New question');
  await page(t).getByLabel('Question type').selectOption('multiple_choice');
  await axeAll(t, 'new question');
  await open(t, `/author/quizzes/new?module=${mod.id}&course=${course.id}`, 'New quiz');
  await axeAll(t, 'new quiz');
  await open(t, `/author/gift?course=${course.id}`, 'Import questions in GIFT format');
  await page(t).getByLabel('GIFT text').fill('::Q1:: Трговина људима је кривично дело. {T}\n\n::Q2:: Ово није исправно {=a ~b\n');
  await page(t).getByRole('button', { name: 'Show what will be imported' }).click();
  await page(t).getByRole('heading', { name: /Errors \(/ }).waitFor();
  await axeAll(t, 'GIFT import');
};

tests['GIFT questions are previewed and imported into a course'] = async (t) => {
  const { course } = await courseByApi(t);
  await asTrainer(t);
  await open(t, `/author/gift?course=${course.id}`, 'Import questions in GIFT format');
  const p = page(t);
  const gift = '// [id:plata-1]\n::Плата:: Послодавац сме да задржи пасош радника. {F}\n\n::Избор:: Који је знак принуде? {=Одузет пасош ~Редовна плата}\n';
  await p.getByLabel('GIFT text').fill(gift);
  await p.getByRole('button', { name: 'Show what will be imported' }).click();
  await p.getByRole('heading', { name: 'Questions (2)' }).waitFor();
  await p.getByRole('button', { name: 'Import questions' }).click();
  await p.getByRole('heading', { name: 'Import report' }).waitFor();
  await p.getByRole('link', { name: 'Плата' }).waitFor();
  const res = await t.context.request.get(`/api/v1/questions?course_id=${course.id}`);
  assert.equal((await res.json()).total, 3); // the one made for the test, and the two imported

  // The same text again: the question with an id would get a new version.
  await open(t, `/author/gift?course=${course.id}`, 'Import questions in GIFT format');
  await p.getByLabel('GIFT text').fill(gift.replace('пасош радника', 'пасош раднице'));
  await p.getByRole('button', { name: 'Show what will be imported' }).click();
  await p.getByRole('cell', { name: 'The existing question gets a new version' }).waitFor();
};

tests['a trainer sets up a module quiz, publishes it and makes it part of the completion rule'] = async (t) => {
  const { course, question } = await courseByApi(t);
  const p = page(t);
  await asTrainer(t);
  await open(t, `/author/courses/${course.id}`, 'Edit course');
  await p.getByRole('link', { name: 'New quiz in this module' }).click();
  await p.locator('main h1', { hasText: 'New quiz' }).waitFor();
  await p.locator('#title-sr').fill('Провера знања');
  await p.getByLabel('Pass mark (%)').fill('60');
  await p.getByLabel('Attempts allowed').fill('3');
  await p.getByLabel('Time limit (minutes)').fill('20');
  await p.getByLabel('Question', { exact: true }).selectOption(String(question.id));
  await p.getByRole('button', { name: 'Create quiz' }).click();
  await p.locator('main h1', { hasText: 'Quiz' }).waitFor();
  await p.getByRole('status').filter({ hasText: 'The quiz was created.' }).waitFor();
  await t.axe('quiz editor');
  await p.getByRole('button', { name: 'Publish quiz' }).click();
  await p.getByRole('dialog').getByRole('button', { name: 'Publish quiz' }).click();
  await p.getByRole('status').filter({ hasText: 'The quiz was published' }).waitFor();
  const quizId = Number(new URL(p.url()).pathname.split('/').pop());
  const quiz = await (await t.context.request.get(`/api/v1/quizzes/${quizId}`)).json();
  assert.equal(quiz.settings.pass_mark, 0.6);
  assert.equal(quiz.settings.time_limit_seconds, 1200);
  assert.equal(quiz.publication.questions, 1);

  await p.getByRole('link', { name: 'Back to the course' }).click();
  await p.locator('main h1', { hasText: 'Edit course' }).waitFor();
  await p.getByRole('checkbox', { name: 'Must pass: Провера знања' }).check();
  await p.getByLabel('minimum score (%)').fill('80');
  await p.getByLabel('minimum score (%)').blur();
  await p.getByRole('button', { name: 'Save', exact: true }).click();
  await p.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  const draft = await (await t.context.request.get(`/api/v1/courses/${course.id}/draft`)).json();
  assert.deepEqual(draft.completion.quizzes, [{ quiz_id: quizId, min_score: 0.8 }]);
};

tests['the author pages fit a 360-pixel phone'] = async (t) => {
  const { course, lesson, scenario, question, mod } = await courseByApi(t);
  await asTrainer(t);
  await t.page.setViewportSize({ width: 360, height: 740 });
  for (const [path, heading] of [
    ['/author/courses', 'My courses'],
    [`/author/courses/${course.id}`, 'Edit course'],
    [`/author/lessons/${lesson.id}`, 'Edit lesson'],
    [`/author/scenarios/${scenario.id}`, 'Edit case'],
    [`/author/questions/${question.id}`, 'Edit question'],
    [`/author/quizzes/new?module=${mod.id}&course=${course.id}`, 'New quiz'],
    ['/author/gift', 'Import questions in GIFT format'],
  ]) {
    await open(t, path, heading);
    await t.page.waitForTimeout(300);
    await assertFits(t, 360);
  }
};

tests['a trainer writes choice, true/false, ordering and matching questions'] = async (t) => {
  const { course } = await courseByApi(t);
  const p = page(t);
  await asTrainer(t);
  const fresh = async (/** @type {string} */ type) => {
    await open(t, `/author/questions/new?course=${course.id}`, 'New question');
    await p.getByLabel('Question type').selectOption(type);
  };
  const create = async () => {
    await p.getByRole('button', { name: 'Create question' }).click();
    await p.locator('main h1', { hasText: 'Edit question' }).waitFor();
    const id = Number(new URL(p.url()).pathname.split('/').pop());
    return (await (await t.context.request.get(`/api/v1/questions/${id}`)).json()).content;
  };

  await fresh('multiple_choice');
  await p.locator('#stem-sr').fill('Шта указује на принуду?');
  await p.locator('#opt-o1-sr').fill('Одузет пасош');
  await p.locator('#fb-o1-sr').fill('Да: исправе су средство контроле.');
  await p.locator('#opt-o2-sr').fill('Дуг који расте');
  await p.getByRole('button', { name: 'Add option' }).click();
  await p.locator('#opt-o3-sr').fill('Редовна плата');
  await p.getByLabel('Share of the mark').nth(2).selectOption('-100');
  const preview = p.locator('.question-preview');
  await preview.getByRole('checkbox', { name: 'Редовна плата' }).check();
  await preview.getByRole('checkbox', { name: 'Одузет пасош' }).check();
  assert.equal(await preview.getByRole('checkbox', { checked: true }).count(), 2, 'the author ticks options in the preview');
  let c = await create();
  assert.deepEqual(c.options.map((/** @type {{ fraction: number }} */ o) => o.fraction), [0.5, 0.5, -1]);
  assert.equal(c.options[0].feedback.sr, 'Да: исправе су средство контроле.');

  await fresh('true_false');
  await p.locator('#stem-sr').fill('Жртва увек сама тражи помоћ.');
  await p.getByRole('radio', { name: 'False' }).first().check();
  await p.locator('#fb-false-sr').fill('Тачно: жртве ретко траже помоћ.');
  c = await create();
  assert.equal(c.answer, false);

  await fresh('ordering');
  await p.locator('#stem-sr').fill('Поређајте кораке.');
  await p.locator('#item-i1-sr').fill('Разговор');
  await p.locator('#item-i2-sr').fill('Безбедност');
  await p.getByRole('button', { name: 'Move number 2 up' }).click();
  // Learners never get the items in the right order; the author moves them with the learners' buttons.
  const items = () => preview.locator('.ordering li .text').allTextContents();
  await preview.locator('.ordering li .text').first().filter({ hasText: 'Разговор' }).waitFor();
  assert.deepEqual(await items(), ['Разговор', 'Безбедност']);
  await preview.locator('.ordering li').first().getByRole('button', { name: 'Down' }).click();
  await preview.locator('.ordering li .text').first().filter({ hasText: 'Безбедност' }).waitFor();
  assert.deepEqual(await items(), ['Безбедност', 'Разговор']);
  await axeAll(t, 'ordering question preview');
  c = await create();
  assert.deepEqual(c.items.map((/** @type {{ text: { sr: string } }} */ i) => i.text.sr), ['Безбедност', 'Разговор']);

  await fresh('case_assessment');
  await p.getByLabel('Case', { exact: true }).selectOption({ label: 'The bakery' });
  await p.locator('#stem-sr').fill('Шта је овај случај?');
  await p.getByLabel(/Share of the conclusion/).fill('40');
  await preview.getByRole('radio', { name: 'Trafficking in human beings' }).check();
  await preview.locator('.scenario h3', { hasText: 'The bakery' }).waitFor();
  c = await create();
  assert.equal(c.outcome_share, 0.4);

  await fresh('matching');
  await p.locator('#stem-sr').fill('Повежите знак и индикатор.');
  await p.locator('#left-0').fill('Пасош код послодавца');
  await p.locator('#right-0').fill('Одузете исправе');
  await p.locator('#left-1').fill('Плата касни месецима');
  await p.locator('#right-1').fill('Ускраћена зарада');
  await p.getByLabel(/Extra right-hand items/).fill('Прековремени рад');
  await preview.getByLabel('Пасош код послодавца').selectOption({ label: 'Одузете исправе' });
  assert.deepEqual(await preview.getByLabel('Плата касни месецима').locator('option').allTextContents(), [
    'Choose…',
    'Одузете исправе',
    'Прековремени рад',
    'Ускраћена зарада',
  ]);
  await axeAll(t, 'matching question');
  c = await create();
  assert.deepEqual(c.extra_rights, ['Прековремени рад']);
  assert.equal(c.pairs.length, 2);
};

tests['a matching question with texts in both languages is previewed and edited by its texts'] = async (t) => {
  const { course } = await courseByApi(t);
  const api = await apiSession(t, demo.trainer, demoPassword(t));
  const res = await api.post('/api/v1/questions', {
    data: {
      course_id: course.id,
      category_id: null,
      tags: [],
      content: {
        type: 'matching',
        stem: { sr: 'Повежите.', en: 'Match them.' },
        pairs: [
          { left: 'L-1', right: 'R-1' },
          { left: 'L-2', right: 'R-2' },
        ],
        extra_rights: ['R-3'],
        match_texts: {
          'L-1': { sr: 'Пасош код послодавца', en: 'Passport held by the employer' },
          'L-2': { sr: 'Плата касни', en: 'Pay withheld' },
          'R-1': { sr: 'Одузете исправе', en: 'Documents taken' },
          'R-2': { sr: 'Ускраћена зарада', en: 'Unpaid wages' },
          'R-3': { sr: 'Прековремени рад', en: 'Overtime' },
        },
      },
    },
  });
  assert.ok(res.ok(), await res.text());
  const question = await res.json();
  await api.dispose();
  const p = page(t);
  await asTrainer(t);
  await open(t, `/author/questions/${question.id}`, 'Edit question');
  const preview = p.locator('.question-preview');
  // Learners see the texts in their language, the right-hand ones sorted by text (once the
  // question and the catalogue have loaded: the read below does not wait by itself).
  await preview.getByLabel('Pay withheld').locator('option').nth(3).waitFor({ state: 'attached' });
  assert.deepEqual(await preview.getByLabel('Pay withheld').locator('option').allTextContents(), ['Choose…', 'Documents taken', 'Overtime', 'Unpaid wages']);
  await p.locator('#preview-locale').selectOption('sr-Latn');
  await preview.getByLabel('Pasoš kod poslodavca').selectOption({ label: 'Oduzete isprave' });
  // The editor shows the texts, not the ids, and keeps them on save.
  await p.locator('#left-0-en').fill('Passport kept by the employer');
  await p.locator('#extra-0-en').fill('Long hours');
  await axeAll(t, 'matching question with texts');
  await p.getByRole('button', { name: 'Save', exact: true }).click();
  await p.getByText('Saved (version 2).').waitFor();
  const c = (await (await t.context.request.get(`/api/v1/questions/${question.id}`)).json()).content;
  assert.deepEqual(c.pairs, [
    { left: 'L-1', right: 'R-1' },
    { left: 'L-2', right: 'R-2' },
  ]);
  assert.deepEqual(c.extra_rights, ['R-3']);
  assert.equal(c.match_texts['L-1'].en, 'Passport kept by the employer');
  assert.equal(c.match_texts['R-3'].en, 'Long hours');
  assert.equal(c.match_texts['R-2'].sr, 'Ускраћена зарада');
};

tests['a case edited by someone else meanwhile is explained and reloaded'] = async (t) => {
  const { scenario } = await courseByApi(t);
  const p = page(t);
  await asTrainer(t);
  await open(t, `/author/scenarios/${scenario.id}`, 'Edit case');
  const other = await apiSession(t, demo.trainer, demoPassword(t));
  const { id, course_id, list, updated_at, ...input } = await (await other.get(`/api/v1/scenarios/${scenario.id}`)).json();
  void [course_id, list, updated_at];
  const res = await other.put(`/api/v1/scenarios/${id}`, { data: { ...input, title: { sr: 'Пекара у граду', en: 'The bakery' } } });
  assert.equal(res.status(), 200, await res.text());
  await other.dispose();
  await p.locator('#title-en').fill('The town bakery');
  await p.getByRole('button', { name: 'Save', exact: true }).click();
  await p.getByRole('alert').filter({ hasText: 'Someone else changed the case meanwhile' }).waitFor();
  assert.equal(await p.locator('#title-sr').inputValue(), 'Пекара у граду');
};

tests['a trainer duplicates a course and archives the copy'] = async (t) => {
  const { course } = await courseByApi(t);
  const p = page(t);
  await asTrainer(t);
  await open(t, '/author/courses', 'My courses');
  await p.getByRole('button', { name: `Duplicate the course “${course.title.en}”` }).click();
  await p.locator('main h1', { hasText: 'Edit course' }).waitFor();
  const copy = Number(new URL(p.url()).pathname.split('/').pop());
  assert.notEqual(copy, course.id);
  assert.equal(await p.getByLabel('Slug for the address').inputValue(), `${course.slug}-copy`);
  await p.getByRole('button', { name: 'Delete “Прва лекција”' }).click();
  await p.getByRole('dialog', { name: 'Delete?' }).getByRole('button', { name: 'Delete' }).click();
  await p.getByRole('status').filter({ hasText: 'Deleted: “Прва лекција”.' }).waitFor();
  assert.equal(await p.getByRole('link', { name: 'Прва лекција' }).count(), 0);
  await p.getByRole('link', { name: 'Back to my courses' }).click();
  await p.locator('main h1', { hasText: 'My courses' }).waitFor();
  await p.getByRole('button', { name: `Archive the course “${course.title.en}”` }).nth(1).click();
  const dialog = p.getByRole('dialog', { name: 'Archive the course?' });
  await dialog.getByRole('button', { name: 'Archive' }).click();
  await p.getByRole('status').filter({ hasText: 'was archived' }).waitFor();
  const draft = await (await t.context.request.get(`/api/v1/courses/${copy}/draft`)).json();
  const original = await (await t.context.request.get(`/api/v1/courses/${course.id}/draft`)).json();
  assert.equal(draft.status, 'archived', 'the copy (listed second: same title, newer) is archived');
  assert.equal(original.status, 'draft');
};

tests['a trainer finds another trainer by name and makes them a co-author'] = async (t) => {
  const p = page(t);
  // A second trainer: signed up, then given the role by the admin.
  const name = `Vesna ${unique()}`;
  const other = await apiNewUser(t, { email: `${unique()}@ngo.test`, name });
  await other.api.dispose();
  const admin = await apiSession(t, demo.admin, demoPassword(t));
  const roles = await admin.put(`/api/v1/users/${other.id}/roles`, { data: { trainer: true, manager: false, admin: false } });
  assert.equal(roles.status(), 200, await roles.text());
  await admin.dispose();
  const owner = await apiSession(t, demo.trainer, demoPassword(t));
  const slug = unique();
  const res = await owner.post('/api/v1/courses', { data: { slug, title: { sr: `Заједничка ${slug}`, en: '' }, professions: ['health'], level: 'advanced' } });
  assert.equal(res.status(), 201, await res.text());
  const course = await res.json();
  await owner.dispose();

  await asTrainer(t);
  await open(t, `/author/courses/${course.id}`, 'Edit course');
  const section = p.locator('section', { has: p.getByRole('heading', { name: 'Co-authors' }) });
  await section.getByText(/^Owner: (?!User number)/).waitFor();
  await p.getByLabel('Find a trainer (name or email)').fill(name);
  await p.getByRole('button', { name: 'Search' }).click();
  await p.getByRole('status').filter({ hasText: '1 trainer found.' }).waitFor();
  await p.getByRole('button', { name: `Add as co-author: ${name}` }).click();
  await p.getByRole('status').filter({ hasText: `${name} is now a co-author.` }).waitFor();
  await section.getByRole('listitem').filter({ hasText: name }).waitFor();
  const draft = await (await t.context.request.get(`/api/v1/courses/${course.id}/draft`)).json();
  assert.deepEqual(draft.authors, [other.id]);
  await axeAll(t, 'co-authors');
  await p.getByRole('button', { name: `Remove co-author: ${name}` }).click();
  await p.getByRole('status').filter({ hasText: `${name} is no longer a co-author.` }).waitFor();
};

/**
 * A zip of files, stored uncompressed (enough for the course format's few small files).
 * @param {Record<string, string>} files
 */
function zip(files) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const fname = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0x0800, 6);
    head.writeUInt16LE(0, 8);
    head.writeUInt16LE(0, 10);
    head.writeUInt16LE(0x21, 12);
    head.writeUInt32LE(crc, 14);
    head.writeUInt32LE(data.length, 18);
    head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(fname.length, 26);
    head.writeUInt16LE(0, 28);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(0, 10);
    dir.writeUInt16LE(0, 12);
    dir.writeUInt16LE(0x21, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(fname.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(head, fname, data);
    central.push(dir, fname);
    offset += head.length + fname.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

tests['a course file is imported, and its problems are shown with file and line'] = async (t) => {
  const slug = unique();
  const course = (/** @type {string} */ extra) =>
    `format: prepoznaj-course/1\nslug: ${slug}\ntitle:\n  sr: Увезена обука\nprofessions: [police]\nlevel: introductory\nhours: 2\n${extra}modules:\n  - title: {sr: Увод}\n    lessons: [uvod]\n`;
  const lesson = '---\ntitle: Увод\n---\nТекст лекције.\n';
  await asTrainer(t);
  await open(t, '/author/courses', 'My courses');
  const p = page(t);
  await p.getByLabel('Course file (zip)').setInputFiles({ name: 'bad.zip', mimeType: 'application/zip', buffer: zip({ 'course.yaml': course('colour: blue\n') }) });
  await p.getByRole('button', { name: 'Import', exact: true }).click();
  await p.getByRole('alert').filter({ hasText: 'nothing was imported' }).waitFor();
  const problems = await p.getByRole('list', { name: 'Problems in the file' }).locator('li').allTextContents();
  assert.ok(problems.some((x) => /^course\.yaml:8\b/.test(x)), `the unknown key is named with its line: ${problems.join(' | ')}`);
  assert.ok(problems.some((x) => x.includes('uvod')), `the missing lesson is named: ${problems.join(' | ')}`);
  await t.axe('import problems');

  await p.getByLabel('Course file (zip)').setInputFiles({ name: 'good.zip', mimeType: 'application/zip', buffer: zip({ 'course.yaml': course(''), 'lessons/uvod.sr.md': lesson }) });
  await p.getByRole('button', { name: 'Import', exact: true }).click();
  await p.locator('main h1', { hasText: 'Edit course' }).waitFor();
  await p.getByRole('link', { name: 'Увод', exact: true }).waitFor();
};

/** @param {T} t */
const page = (t) => t.page;

requireApi(tests, { demo: true });
