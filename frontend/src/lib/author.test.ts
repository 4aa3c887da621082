import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { authorProblem, courseFields, describeFor, ImportFailed, importCourseFile, isConflict, localLang, localText, questionFieldShown } from './author';
import { loadCatalogue, setLocale } from './i18n';

beforeAll(async () => {
  await loadCatalogue('en');
  await setLocale('en');
});

const problem = (code: string, errors: { field: string; code: string; message: string }[] = [], status = 400) =>
  new ApiError({ status, code, detail: 'server words', errors });

describe('authoring errors', () => {
  it('explains a version conflict in the user language', () => {
    const err = problem('version_conflict', [], 409);
    expect(isConflict(err)).toBe(true);
    expect(authorProblem(err)).toMatch(/Someone else changed this meanwhile/);
    expect(isConflict(problem('slug_taken', [], 409))).toBe(false);
  });

  it('places the errors of shown fields, and tells the others at the form', () => {
    const err = problem('validation_failed', [
      { field: 'title.sr', code: 'required', message: 'is required' },
      { field: 'completion.quizzes.0.min_score', code: 'out_of_range', message: 'must be a fraction from 0 to 1' },
    ]);
    const view = describeFor(err, (f) => courseFields.has(f));
    expect(Object.keys(view.fields)).toEqual(['title.sr']);
    expect(view.form).toContain('The value is out of range.');
  });

  it('knows which question fields the form shows', () => {
    expect(questionFieldShown('content.options.3.feedback.en')).toBe(true);
    expect(questionFieldShown('content.stem.sr')).toBe(true);
    expect(questionFieldShown('content')).toBe(true);
    expect(questionFieldShown('content.outcome_share')).toBe(false);
  });
});

describe('importCourseFile', () => {
  const answer = (status: number, body: unknown) =>
    Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json' } }));

  it('hands back the problems of a refused file', async () => {
    const problems = [{ file: 'course.yaml', line: 3, message: 'unknown key' }];
    const err = await importCourseFile(new Blob(['x']), false, () => answer(422, { code: 'import_failed', problems })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFailed);
    expect((err as ImportFailed).problems).toEqual(problems);
  });

  it('sends the zip, asking for an update when told', async () => {
    let url = '';
    let type = '';
    const draft = await importCourseFile(new Blob(['x']), true, (input, init) => {
      url = String(input);
      type = new Headers(init?.headers).get('Content-Type') ?? '';
      return Promise.resolve(new Response(JSON.stringify({ id: 9 }), { status: 200, headers: { 'Content-Type': 'application/json' } }));
    });
    expect(draft.id).toBe(9);
    expect(url).toBe('/api/v1/courses/import?update=true');
    expect(type).toBe('application/zip');
  });

  it('reads other failures as problems', async () => {
    const err = await importCourseFile(new Blob(['x']), false, () => answer(413, { code: 'body_too_large', status: 413 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('body_too_large');
  });
});

describe('localText', () => {
  it('shows content in the reader language and script', () => {
    expect(localText({ sr: 'Обмана', en: 'Deceit' }, 'en')).toBe('Deceit');
    expect(localText({ sr: 'Обмана', en: '' }, 'en')).toBe('Обмана');
    expect(localText({ sr: 'Обмана', en: 'Deceit' }, 'sr-Latn')).toBe('Obmana');
  });
});

describe('localLang', () => {
  it.each([
    [{ sr: 'Обмана', en: 'Deceit' }, 'en', 'en'],
    [{ sr: 'Обмана', en: '' }, 'en', 'sr-Cyrl'],
    [{ sr: 'Obmana', en: '' }, 'en', 'sr-Latn'],
    [{ sr: 'Обмана', en: 'Deceit' }, 'sr-Latn', 'sr-Latn'],
    [{ sr: 'Обмана', en: 'Deceit' }, 'sr-Cyrl', 'sr-Cyrl'],
    [{ sr: '', en: 'Deceit' }, 'sr-Cyrl', 'en'],
    [{ sr: '', en: '' }, 'sr-Latn', 'sr-Latn'],
  ])('%o read in %s is %s', (x, locale, want) => {
    expect(localLang(x, locale)).toBe(want);
    // It names the language of what localText shows.
    if (want === 'en') expect(localText(x, locale)).toBe(x.en);
  });
});
