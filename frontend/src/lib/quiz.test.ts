import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from './api';
import {
  answerKey,
  clearCatalogueCache,
  clock,
  codeInfo,
  contentLangTag,
  crossedThreshold,
  getAttempt,
  getCatalogue,
  getQuiz,
  isAnswered,
  localText,
  markEvidence,
  evidenceId,
  missingGroups,
  serverClockOffset,
  scriptMatches,
  quizProblem,
  moveItem,
  presentCodes,
  saveAnswer,
  secondsLeft,
  startAttempt,
  submitAttempt,
  type Catalogue,
} from './quiz';
import { fakeFetch, json, problem } from './testing';

const client = (f: ReturnType<typeof fakeFetch>) => createApiClient({ fetch: f.fetch });

describe('quiz API', () => {
  beforeEach(() => clearCatalogueCache());

  it('reads a quiz and starts, saves and submits an attempt', async () => {
    const f = fakeFetch(json({ id: 1 }), json({ id: 7 }, 201), json({ position: 2 }), json({ id: 7, state: 'submitted' }), json({ id: 7 }));
    const c = client(f);
    expect(await getQuiz(1, c)).toEqual({ id: 1 });
    expect(await startAttempt(1, c)).toEqual({ id: 7 });
    await saveAnswer(7, 2, { selected: ['COE-DOCS'] }, c);
    await submitAttempt(7, c);
    await getAttempt(7, c);
    expect(f.calls.map((x) => `${x.method} ${x.url}`)).toEqual([
      'GET /api/v1/quizzes/1',
      'POST /api/v1/quizzes/1/attempts',
      'PUT /api/v1/attempts/7/answers/2',
      'POST /api/v1/attempts/7/submit',
      'GET /api/v1/attempts/7',
    ]);
    expect(f.calls[1]!.body).toBeUndefined();
    expect(f.calls[2]!.body).toEqual({ selected: ['COE-DOCS'] });
  });

  it('turns a refused start into an ApiError with its code', async () => {
    const f = fakeFetch(problem(409, 'no_attempts_left'));
    await expect(startAttempt(1, client(f))).rejects.toMatchObject({ status: 409, code: 'no_attempts_left' });
    const g = fakeFetch(problem(409, 'no_attempts_left'));
    await startAttempt(1, client(g)).catch((e: unknown) => expect(e).toBeInstanceOf(ApiError));
  });

  it('fetches the catalogue once per version, and again after a failure', async () => {
    const cat = { version: 3, lists: [], dimensions: [], indicators: [], signs: [] };
    const f = fakeFetch(json(cat), problem(503, 'server_busy'), json(cat));
    const c = client(f);
    expect(await getCatalogue(3, c)).toEqual(cat);
    expect(await getCatalogue(3, c)).toEqual(cat);
    await expect(getCatalogue(0, c)).rejects.toBeInstanceOf(ApiError);
    expect(await getCatalogue(0, c)).toEqual(cat);
    expect(f.calls.map((x) => x.url)).toEqual(['/api/v1/indicators?version=3', '/api/v1/indicators', '/api/v1/indicators']);
  });
});

describe('helpers', () => {
  it('shows texts in the content language and the UI script', () => {
    const text = { sr: 'Дуг', en: 'Debt' };
    expect(localText(text, 'sr', 'sr-Cyrl')).toBe('Дуг');
    expect(localText(text, 'sr', 'sr-Latn')).toBe('Dug');
    expect(localText(text, 'en', 'sr-Latn')).toBe('Debt');
    expect(localText({ sr: 'Дуг', en: '' }, 'en', 'en')).toBe('Дуг');
  });

  it('tags server content with its language', () => {
    expect(contentLangTag('en', 'Debt')).toBe('en');
    expect(contentLangTag('sr', '<p>Дуг</p>')).toBe('sr-Cyrl');
    expect(contentLangTag('sr', '<p>Dug</p>')).toBe('sr-Latn');
  });

  it('looks up codes in the catalogue', () => {
    const cat = {
      version: 1,
      lists: [],
      dimensions: [{ code: 'D5', role: 'destination', name: { sr: 'Принуда', en: 'Coercion' }, explanation: { sr: 'о', en: 'e' } }],
      indicators: [{ code: 'COE-DOCS', dimension: 'D5', strength: {}, name: { sr: 'Документа', en: 'Documents' }, explanation: { sr: 'Узета', en: 'Taken' } }],
      signs: [],
    } as Catalogue;
    const info = codeInfo(cat, 'sr', 'sr-Latn');
    expect(info.get('COE-DOCS')).toEqual({ name: 'Dokumenta', explanation: 'Uzeta' });
    expect(info.get('D5')?.name).toBe('Prinuda');
    expect(codeInfo(null, 'en', 'en').size).toBe(0);
  });

  it('tells answered from empty answers', () => {
    expect(isAnswered(null)).toBe(false);
    expect(isAnswered({})).toBe(false);
    expect(isAnswered({ selected: [] })).toBe(false);
    expect(isAnswered({ selected: ['a'] })).toBe(true);
    expect(isAnswered({ answer: false })).toBe(true);
    expect(isAnswered({ outcome: 'insufficient' })).toBe(true);
    expect(isAnswered({ pairs: [{ left: 'a', right: 'b' }] })).toBe(true);
  });

  it('keys answers independently of field order', () => {
    expect(answerKey({ outcome: 'trafficking', positive_dimensions: ['D1'] })).toBe(answerKey({ positive_dimensions: ['D1'], outcome: 'trafficking' }));
    expect(answerKey({ selected: ['a'] })).not.toBe(answerKey({ selected: ['b'] }));
  });

  it('counts down to a deadline and announces thresholds once', () => {
    const deadline = '2026-01-01T10:00:00Z';
    const at = (s: number) => Date.parse(deadline) - s * 1000;
    expect(secondsLeft(null, 0)).toBeNull();
    expect(secondsLeft(deadline, at(90.4))).toBe(91);
    expect(secondsLeft(deadline, at(-5))).toBe(0);
    expect(crossedThreshold(null, 100)).toBeNull();
    expect(crossedThreshold(301, 300)).toBe(300);
    expect(crossedThreshold(300, 299)).toBeNull();
    expect(crossedThreshold(61, 59)).toBe(60);
    expect(crossedThreshold(1, 0)).toBe(0);
    expect(clock(65)).toBe('1:05');
    expect(clock(3725)).toBe('1:02:05');
    expect(clock(0)).toBe('0:00');
  });

  it('moves items up and down', () => {
    expect(moveItem(['a', 'b', 'c'], 1, -1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });

  it('reads the present codes from an identification mark', () => {
    const mark = {
      fraction: 0.5,
      identification: {
        indicators: [
          { code: 'A', outcome: 'found' as const },
          { code: 'B', outcome: 'missed' as const },
          { code: 'C', outcome: 'false_alarm' as const },
          { code: 'D', outcome: 'correctly_left_out' as const },
        ],
        hits: 1, misses: 1, false_alarms: 1, correctly_left_out: 1, hit_rate: 0.5, false_alarm_rate: 0.5, false_alarm_weight: 1, capped: false, cap: 0.5,
      },
    };
    expect(presentCodes(mark)).toEqual(['A', 'B']);
    expect(presentCodes(undefined)).toEqual([]);
  });
});

describe('review helpers', () => {
  it('marks evidence as found or missed, with an id on the first passage and a spoken label', () => {
    const html = '<p>He <mark data-tag="COE-DOCS">holds two passports</mark> and <mark data-tag="X-1">answers</mark> <mark data-tag="COE-DOCS">again</mark></p>';
    const out = markEvidence(
      html,
      (c) => (c === 'COE-DOCS' ? 'found' : undefined),
      (c, o) => `${o} <${c}>`,
      'ev3',
    );
    expect(out).toBe(
      '<p>He <mark data-tag="COE-DOCS" class="ev ev-found" id="ev3-COE-DOCS"><span class="visually-hidden">found &#60;COE-DOCS&#62; </span>holds two passports</mark>' +
        ' and <mark data-tag="X-1" class="ev ev-shown" id="ev3-X-1"><span class="visually-hidden">shown &#60;X-1&#62; </span>answers</mark>' +
        ' <mark data-tag="COE-DOCS" class="ev ev-found"><span class="visually-hidden">found &#60;COE-DOCS&#62; </span>again</mark></p>',
    );
    expect(evidenceId('ev3', 'COE-DOCS')).toBe('ev3-COE-DOCS');
  });

  it('reads the groups a failed outcome still needed', () => {
    expect(missingGroups('a recruitment dimension;D4;D4 or D5;D1, D2 or D3')).toEqual([
      { role: 'recruitment' },
      { dimensions: ['D4'] },
      { dimensions: ['D4', 'D5'] },
      { dimensions: ['D1', 'D2', 'D3'] },
    ]);
    expect(missingGroups(undefined)).toEqual([]);
    expect(missingGroups('an exploitation dimension')).toEqual([{ role: 'exploitation' }]);
  });
});

describe('quizProblem', () => {
  it('says why a start was refused in the user language, and falls back to the common messages', async () => {
    const { setLocale } = await import('./i18n');
    await setLocale('sr-Latn');
    expect(quizProblem(new ApiError({ status: 409, code: 'no_attempts_left' }))).toBe('Iskoristili ste sve dozvoljene pokušaje za ovaj kviz.');
    expect(quizProblem(new ApiError({ status: 409, code: 'quiz_closed' }))).toBe('Kviz je zatvoren; novi pokušaji više nisu mogući.');
    expect(quizProblem(new ApiError({ status: 0, code: 'network_error' }))).toBe('Server nije dostupan. Proverite vezu i pokušajte ponovo.');
    await setLocale('sr-Cyrl');
  });
});

describe('scriptMatches', () => {
  it('compares the script of Serbian content with the UI', () => {
    expect(scriptMatches('sr', '<p>Дуг</p>', 'sr-Cyrl')).toBe(true);
    expect(scriptMatches('sr', '<p>Дуг</p>', 'sr-Latn')).toBe(false);
    expect(scriptMatches('sr', '<p>Dug</p>', 'sr-Cyrl')).toBe(false);
    expect(scriptMatches('sr', '<p>Dug</p>', 'en')).toBe(true);
    expect(scriptMatches('en', '<p>Debt</p>', 'sr-Cyrl')).toBe(true);
  });
});

describe('serverClockOffset', () => {
  const at = (date: string | null) => async () => new Response('ok', { headers: date ? { Date: date } : {} });
  it('tells how far the server clock is ahead, ignoring small differences', async () => {
    const now = Date.parse('2026-01-01T10:00:00.000Z');
    expect(await serverClockOffset(at('Thu, 01 Jan 2026 10:05:00 GMT'), () => now)).toBe(300_500);
    expect(await serverClockOffset(at('Thu, 01 Jan 2026 09:59:00 GMT'), () => now)).toBe(-59_500);
    expect(await serverClockOffset(at('Thu, 01 Jan 2026 10:00:01 GMT'), () => now)).toBe(0);
    expect(await serverClockOffset(at(null), () => now)).toBe(0);
    expect(await serverClockOffset(async () => Promise.reject(new TypeError('offline')), () => now)).toBe(0);
  });
});
