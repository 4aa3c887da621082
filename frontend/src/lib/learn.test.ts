import { describe, expect, it } from 'vitest';
import { createApiClient } from './api';
import {
  canRegister,
  canRetake,
  retake,
  catalogueFromSearch,
  catalogueSearch,
  certificatePdfUrl,
  checkSymbol,
  completeLesson,
  CODE_ALPHABET,
  defaultProfession,
  enrol,
  getCourse,
  getLesson,
  getProgress,
  lessonHeartbeat,
  listCourseQuizzes,
  listCourses,
  listSessions,
  localText,
  myCertificates,
  myCourses,
  nextStepHref,
  normalizeCode,
  placesLeft,
  registerForSession,
  setShowResult,
  unregisterFromSession,
  verifyCertificate,
  verifyState,
  type LiveSession,
} from './learn';
import { codeProblemKey, verifyHeadline } from './learnVerify';
import { fakeFetch, json, noContent, problem } from './testing';

const page = (items: unknown[] = []) => json({ items, total: items.length, offset: 0, limit: 20 });

function client(...answers: Parameters<typeof fakeFetch>) {
  const f = fakeFetch(...answers);
  return { c: createApiClient({ fetch: f.fetch }), calls: f.calls };
}

describe('the learning API client', () => {
  it('lists the catalogue with only the filters that are set', async () => {
    const { c, calls } = client(page());
    await listCourses({ q: '  trafficking ', profession: 'police', language: '', level: 'advanced', sort: '-hours', offset: 12, limit: 12, locale: 'sr-Latn' }, c);
    const url = new URL(calls[0]!.url, 'http://x');
    expect(url.pathname).toBe('/api/v1/courses');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      q: 'trafficking',
      profession: 'police',
      level: 'advanced',
      sort: '-hours',
      offset: '12',
      limit: '12',
      locale: 'sr-Latn',
    });
  });

  it('leaves blank filters out entirely', async () => {
    const { c, calls } = client(page());
    await listCourses({ q: ' ', profession: '' }, c);
    expect(calls[0]!.url).toBe('/api/v1/courses');
  });

  it('reads a course, its progress and the lessons in the reader locale', async () => {
    const { c, calls } = client(json({ id: 3 }), json({ percent: 50 }), json({ id: 9 }));
    await getCourse(3, 'en', c);
    await getProgress(3, c);
    await getLesson(9, 'sr-Cyrl', c);
    expect(calls.map((x) => `${x.method} ${x.url}`)).toEqual([
      'GET /api/v1/courses/3?locale=en',
      'GET /api/v1/courses/3/progress',
      'GET /api/v1/lessons/9?locale=sr-Cyrl',
    ]);
  });

  it('enrols, completes lessons and sends heartbeats', async () => {
    const { c, calls } = client(json({ course_id: 3 }, 201), json({ percent: 100 }), json({ lesson_id: 9, seconds_spent: 30, credited: 30 }));
    expect(await enrol(3, c)).toEqual({ course_id: 3 });
    expect((await completeLesson(9, c)).percent).toBe(100);
    await lessonHeartbeat(9, false, c);
    expect(calls.map((x) => `${x.method} ${x.url}`)).toEqual([
      'POST /api/v1/courses/3/enrolment',
      'POST /api/v1/lessons/9/complete',
      'POST /api/v1/lessons/9/heartbeat',
    ]);
    expect(calls[0]!.body).toBeUndefined();
    expect(calls[2]!.body).toEqual({ active: false });
  });

  it('lists my courses with paging and locale', async () => {
    const { c, calls } = client(page());
    await myCourses({ offset: 0, limit: 5, locale: 'en' }, c);
    expect(calls[0]!.url).toBe('/api/v1/me/courses?offset=0&limit=5&locale=en');
  });

  it('lists sessions and registers or withdraws oneself', async () => {
    const { c, calls } = client(json({ items: [{ id: 1 }] }), json({ registered: [7], already_registered: [], not_found: [] }), noContent());
    expect(await listSessions(4, c)).toEqual([{ id: 1 }]);
    await registerForSession(1, c);
    await unregisterFromSession(1, 7, c);
    expect(calls.map((x) => `${x.method} ${x.url}`)).toEqual([
      'GET /api/v1/courses/4/sessions',
      'POST /api/v1/sessions/1/registrations',
      'DELETE /api/v1/sessions/1/registrations/7',
    ]);
    expect(calls[1]!.body).toBeUndefined();
  });

  it("lists a course's quizzes", async () => {
    const { c, calls } = client(page([{ id: 2, module_id: 5 }]));
    expect(await listCourseQuizzes(4, c)).toEqual([{ id: 2, module_id: 5 }]);
    expect(calls[0]!.url).toBe('/api/v1/quizzes?course_id=4');
  });

  it('lists certificates, toggles the shown result, links the PDF', async () => {
    const { c, calls } = client(page(), json({ id: 5, show_result: true }));
    await myCertificates({ limit: 20 }, c);
    expect((await setShowResult(5, true, c)).show_result).toBe(true);
    expect(calls[0]!.url).toBe('/api/v1/me/certificates?limit=20');
    expect(calls[1]).toMatchObject({ method: 'PATCH', url: '/api/v1/me/certificates/5', body: { show_result: true } });
    expect(certificatePdfUrl(5)).toBe('/api/v1/certificates/5/pdf');
  });

  it('verifies without trying to renew a session', async () => {
    const { c, calls } = client(problem(401, 'unauthenticated'));
    await expect(verifyCertificate('AB CD', c)).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/api/v1/verify/AB%20CD');
  });
});

describe('verifyState', () => {
  it('tells a found certificate', async () => {
    const { c } = client(json({ status: 'revoked', code: 'X' }));
    expect(await verifyState('X', c)).toEqual({ kind: 'found', result: { status: 'revoked', code: 'X' } });
  });
  it('tells an unknown code', async () => {
    const { c } = client(problem(404, 'unknown_code'));
    expect(await verifyState('X', c)).toEqual({ kind: 'unknown' });
  });
  it('tells a rate limit with the wait', async () => {
    const { c } = client(problem(429, 'rate_limited', {}, { 'Retry-After': '2' }));
    expect(await verifyState('X', c)).toEqual({ kind: 'rate_limited', retryAfter: 2 });
  });
  it('passes other failures on', async () => {
    const { c } = client(problem(500, 'internal'));
    const s = await verifyState('X', c);
    expect(s.kind).toBe('error');
  });
  it('has a headline for every status', () => {
    expect(verifyHeadline({ status: 'valid' }).title).toBe('verify.valid');
    expect(verifyHeadline({ status: 'expired' }).title).toBe('verify.expired');
    expect(verifyHeadline({ status: 'revoked' }).title).toBe('verify.revoked');
    expect(verifyHeadline({ status: 'superseded' }).title).toBe('verify.superseded');
  });
});

describe('normalizeCode', () => {
  // Codes made by the server's NewCode (certs/code.go) from fixed bytes.
  const real = ['0M2G-A185-0M2G-A185-0M2G-A185-0M2J', '58N2-MAHA-58N2-MAHA-58N2-MAHA-58N6', '9X7M-YKTF-9X7M-YKTF-9X7M-YKTF-9X7M'];

  it('accepts the server’s codes as they are', () => {
    for (const code of real) expect(normalizeCode(code)).toEqual({ ok: true, code });
  });

  it('ignores case, spaces and any kind of dash, and reads O as 0 and I, L as 1', () => {
    expect(normalizeCode(' 0m2g a185\t0m2g–a185—0m2g a185 0m2j ')).toEqual({ ok: true, code: real[0] });
    expect(normalizeCode('OM2GA185OM2GAi85OM2GAl85OM2J')).toEqual({ ok: true, code: real[0] });
  });

  it('says why a code cannot be one', () => {
    expect(normalizeCode('  - ')).toMatchObject({ ok: false, reason: 'empty' });
    expect(normalizeCode('0M2G-A185-ÜÜÜÜ')).toMatchObject({ ok: false, reason: 'characters' });
    expect(normalizeCode('0M2G-A185-0M2G')).toMatchObject({ ok: false, reason: 'length', length: 12 });
    // One symbol changed: the check symbol catches it.
    expect(normalizeCode('0M2G-A185-0M2G-A185-0M2G-A186-0M2J')).toMatchObject({ ok: false, reason: 'check' });
    // U is not in the alphabet.
    expect(normalizeCode('UM2G-A185-0M2G-A185-0M2G-A185-0M2J')).toMatchObject({ ok: false, reason: 'characters' });
  });

  it('catches every single mistyped symbol', () => {
    const base = real[1]!.replace(/-/g, '');
    for (let i = 0; i < base.length; i++) {
      for (const ch of CODE_ALPHABET) {
        if (ch === base[i]) continue;
        const typo = base.slice(0, i) + ch + base.slice(i + 1);
        expect(normalizeCode(typo).ok).toBe(false);
      }
    }
  });

  it('computes the Luhn mod 32 symbol', () => {
    expect(checkSymbol([])).toBe(0);
    expect(CODE_ALPHABET[checkSymbol([...'9X7MYKTF9X7MYKTF9X7MYKTF9X7'].map((c) => CODE_ALPHABET.indexOf(c)))]).toBe('M');
  });

  it('names the field error for each reason', () => {
    expect(codeProblemKey(normalizeCode(''))).toBe('verify.codeEmpty');
    expect(codeProblemKey(normalizeCode('!'))).toBe('verify.codeCharacters');
    expect(codeProblemKey(normalizeCode('AB'))).toBe('verify.codeLength');
    expect(codeProblemKey(normalizeCode('0M2G-A185-0M2G-A185-0M2G-A185-0M2K'))).toBe('verify.codeCheck');
  });
});

describe('helpers', () => {
  it('picks the text for the locale', () => {
    expect(localText({ sr: 'Обука', en: 'Course' }, 'en')).toBe('Course');
    expect(localText({ sr: 'Обука', en: '' }, 'en')).toBe('Обука');
    expect(localText({ sr: 'Обука' }, 'sr-Latn')).toBe('Obuka');
    expect(localText({ sr: 'Обука', en: 'Course' }, 'sr-Cyrl')).toBe('Обука');
    expect(localText(null, 'en')).toBe('');
  });

  it('links the next step', () => {
    expect(nextStepHref(3, { kind: 'lesson', lesson_id: 9 })).toBe('/courses/3/lessons/9');
    expect(nextStepHref(3, { kind: 'quiz', quiz_id: 4 })).toBe('/quizzes/4');
    expect(nextStepHref(3, { kind: 'session' })).toBe('/courses/3#sessions');
    expect(nextStepHref(3, null)).toBeNull();
    expect(nextStepHref(3, { kind: 'lesson' })).toBeNull();
  });

  it('starts the catalogue at the learner’s profession, except "other"', () => {
    expect(defaultProfession('police')).toBe('police');
    expect(defaultProfession('other')).toBe('');
    expect(defaultProfession(undefined)).toBe('');
  });

  it('counts places and who may register', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    const s: LiveSession = {
      id: 1, course_id: 1, kind: 'in_person', title: { sr: 'Т' }, place: 'Нови Сад', link: '',
      starts_at: '2026-01-02T10:00:00Z', duration_minutes: 90, capacity: 2, registered: 1, trainer_id: 2,
      version: 1, closed_at: null, cancelled_at: null, registered_me: false, can_manage: false,
    };
    expect(placesLeft(s)).toBe(1);
    expect(placesLeft({ capacity: 2, registered: 5 })).toBe(0);
    expect(canRegister(s, now)).toBe(true);
    expect(canRegister({ ...s, registered: 2 }, now)).toBe(false);
    expect(canRegister({ ...s, registered_me: true }, now)).toBe(false);
    expect(canRegister({ ...s, cancelled_at: '2026-01-01T00:00:00Z' }, now)).toBe(false);
    expect(canRegister({ ...s, starts_at: '2025-12-31T10:00:00Z' }, now)).toBe(false);
  });
});

describe('the catalogue address', () => {
  it('starts from the learner’s profession', () => {
    expect(catalogueFromSearch('', 'police')).toEqual({ q: '', profession: 'police', language: '', level: '', sort: 'title', offset: 0 });
    expect(catalogueFromSearch('', 'other').profession).toBe('');
  });

  it('reads the filters, refusing values the API does not know', () => {
    expect(catalogueFromSearch('?q=rad&profession=&language=en&level=advanced&sort=-hours&offset=12', 'police')).toEqual({
      q: 'rad',
      profession: '',
      language: 'en',
      level: 'advanced',
      sort: '-hours',
      offset: 12,
    });
    expect(catalogueFromSearch('?language=de&level=x&sort=drop&offset=-3', 'police')).toMatchObject({ language: '', level: '', sort: 'title', offset: 0 });
  });

  it('writes only what differs from the defaults, and reads back the same', () => {
    expect(catalogueSearch({ profession: 'police', sort: 'title' }, 'police')).toBe('');
    const s = catalogueSearch({ q: ' rad ', profession: '', language: 'sr', level: '', sort: 'newest', offset: 24 }, 'police');
    expect(s).toBe('?q=rad&profession=&language=sr&sort=newest&offset=24');
    expect(catalogueFromSearch(s, 'police')).toEqual({ q: 'rad', profession: '', language: 'sr', level: '', sort: 'newest', offset: 24 });
  });
});

describe('recertification', () => {
  const done = { completed: true, retake_from: '2027-03-12T10:00:00Z' } as Parameters<typeof canRetake>[0];
  it('offers a re-take only once the completion has expired', () => {
    expect(canRetake(done, new Date('2027-03-12T09:59:59Z'))).toBe(false);
    expect(canRetake(done, new Date('2027-03-12T10:00:00Z'))).toBe(true);
    expect(canRetake({ ...done, retake_from: null }, new Date('2030-01-01'))).toBe(false);
    expect(canRetake({ ...done, completed: false }, new Date('2030-01-01'))).toBe(false);
  });

  it('starts the new cycle with a POST to the course', async () => {
    const { c, calls } = client(json({ cycle: 2 }));
    expect((await retake(7, c)).cycle).toBe(2);
    expect(calls[0]!.url).toBe('/api/v1/courses/7/retake');
    expect(calls[0]!.method).toBe('POST');
  });
});
