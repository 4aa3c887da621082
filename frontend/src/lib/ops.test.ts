import { describe, expect, it } from 'vitest';
import { createApiClient } from './api';
import { analyticsCsvUrl, assess, fromLocalInput, localText, parseCodes, recordAttendance, replaceEntry, sessionState, toLocalInput, type Catalogue } from './ops';
import { fakeFetch, json } from './testing';

describe('localText', () => {
  it('shows Serbian in the chosen script and English with a fallback', () => {
    expect(localText({ sr: 'Радионица', en: 'Workshop' }, 'sr-Cyrl')).toBe('Радионица');
    expect(localText({ sr: 'Радионица', en: 'Workshop' }, 'sr-Latn')).toBe('Radionica');
    expect(localText({ sr: 'Радионица', en: '' }, 'en')).toBe('Радионица');
    expect(localText(null, 'en')).toBe('');
  });
});

describe('sessionState', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  it('tells cancelled, closed, upcoming and held sessions apart', () => {
    expect(sessionState({ cancelled_at: '2026-01-01T00:00:00Z', closed_at: null, starts_at: '2026-07-01T00:00:00Z' }, now)).toBe('cancelled');
    expect(sessionState({ cancelled_at: null, closed_at: '2026-05-01T00:00:00Z', starts_at: '2026-04-01T00:00:00Z' }, now)).toBe('closed');
    expect(sessionState({ cancelled_at: null, closed_at: null, starts_at: '2026-07-01T00:00:00Z' }, now)).toBe('upcoming');
    expect(sessionState({ cancelled_at: null, closed_at: null, starts_at: '2026-05-01T00:00:00Z' }, now)).toBe('held');
  });
});

describe('datetime-local', () => {
  it('round-trips a local time', () => {
    const iso = fromLocalInput('2026-03-04T09:30');
    expect(iso).toBeDefined();
    expect(toLocalInput(iso!)).toBe('2026-03-04T09:30');
    expect(fromLocalInput('tomorrow')).toBeUndefined();
    expect(toLocalInput('nonsense')).toBe('');
  });
});

describe('parseCodes', () => {
  it('splits, upper-cases and de-duplicates', () => {
    expect(parseCodes(' rec-dec-wages, EXP-PAY\nexp-pay;COE-DOCS ')).toEqual(['REC-DEC-WAGES', 'EXP-PAY', 'COE-DOCS']);
    expect(parseCodes('')).toEqual([]);
  });
});

describe('calls', () => {
  it('writes the register with PUT and assesses with POST', async () => {
    const f = fakeFetch(json({ session: {}, closed: false, entries: [] }), json({ outcome: 'trafficking' }));
    const c = createApiClient({ fetch: f.fetch });
    await recordAttendance(7, [{ user_id: 1, status: 'present' }], c);
    await assess('adult-labour', ['EXP-PAY'], c);
    expect(f.calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/sessions/7/attendance', body: { entries: [{ user_id: 1, status: 'present' }] } });
    expect(f.calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/indicators/assess', body: { list: 'adult-labour', present: ['EXP-PAY'] } });
  });

  it('links the CSV exports', () => {
    expect(analyticsCsvUrl({ quiz: 3 }, 'questions')).toBe('/api/v1/quizzes/3/analytics/export?table=questions');
    expect(analyticsCsvUrl({ course: 2 }, 'indicators')).toBe('/api/v1/quiz-analytics/export?course_id=2&table=indicators');
  });
});

describe('replaceEntry', () => {
  it('replaces one indicator by code and leaves the rest', () => {
    const base = { indicators: [{ code: 'A', review: 'pending' }, { code: 'B', review: 'pending' }], signs: [] } as unknown as Catalogue;
    const next = replaceEntry(base, { code: 'B', review: 'reviewed' } as unknown as Catalogue['indicators'][number], 'indicator');
    expect(next.indicators.map((i) => i.review)).toEqual(['pending', 'reviewed']);
    expect(base.indicators[1]!.review).toBe('pending');
  });
});
