import { describe, expect, it } from 'vitest';
import { createApiClient } from './api';
import {
  apiUrl,
  assignCourse,
  bulkPlan,
  certificatesZipUrl,
  cleanQuery,
  createExport,
  exportPending,
  getProgress,
  getProgressSummary,
  isNotFound,
  periodError,
  progressCsvUrl,
  progressMilestone,
  rowState,
  sessionInPeriod,
  staffSessions,
  zipLimit,
} from './manage';
import { layoutBars, shorten } from './manageCharts';
import { fakeFetch, json, problem } from './testing';

describe('manage queries', () => {
  it('drops empty filters and builds API links', () => {
    expect(cleanQuery({ a: '', b: undefined, c: 0, d: 'x', e: 3 })).toEqual({ d: 'x', e: 3 });
    expect(apiUrl('/x', { q: 'a b', z: '' })).toBe('/api/v1/x?q=a+b');
    expect(progressCsvUrl(4, { course_id: 2, status: '', profession: 'police' }, 'sr-Latn')).toBe(
      '/api/v1/institutions/4/progress?course_id=2&profession=police&locale=sr-Latn&format=csv',
    );
    expect(certificatesZipUrl(4, { from: '2026-01-01', to: '2026-02-01', kind: 'completion' })).toBe(
      '/api/v1/institutions/4/certificates/zip?from=2026-01-01&to=2026-02-01&kind=completion',
    );
  });

  it('asks for a page of progress with the filters, and assigns a course', async () => {
    const { fetch, calls } = fakeFetch(json({ items: [], total: 0, offset: 25, limit: 25 }), json({ enrolled: [1], already_enrolled: [], due_updated: [], not_found: [] }));
    const c = createApiClient({ fetch });
    await getProgress(3, { course_id: 9, q: '', status: 'overdue' }, 25, 25, 'en', c);
    expect(calls[0]!.url).toBe('/api/v1/institutions/3/progress?course_id=9&status=overdue&offset=25&limit=25&locale=en');
    const rep = await assignCourse(3, { course_id: 9, user_ids: [1], due_at: null }, c);
    expect(rep.enrolled).toEqual([1]);
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/institutions/3/enrolments', body: { course_id: 9, user_ids: [1], due_at: null } });
  });

  it('starts an export with only the filters set', async () => {
    const { fetch, calls } = fakeFetch(json({ id: 5, status: 'queued', total: 0, done: 0 }, 202));
    const job = await createExport(3, { course_id: undefined, from: '2026-01-01', kind: '' }, createApiClient({ fetch }));
    expect(job.id).toBe(5);
    expect(calls[0]!.body).toEqual({ from: '2026-01-01' });
  });

  it('knows a 404', async () => {
    const { fetch } = fakeFetch(problem(404, 'institution_not_found'));
    const err = await getProgress(99, {}, 0, 25, 'sr-Cyrl', createApiClient({ fetch })).catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
    expect(isNotFound(new Error('x'))).toBe(false);
  });
});

describe('progress', () => {
  it('tells where an enrolment stands', () => {
    const base = { enrolled: true, completed_at: null, overdue: false, percent: 0 };
    expect(rowState({ ...base, enrolled: false })).toBe('not_enrolled');
    expect(rowState({ ...base, completed_at: '2026-01-01T00:00:00Z', overdue: true })).toBe('completed');
    expect(rowState({ ...base, overdue: true, percent: 40 })).toBe('overdue');
    expect(rowState({ ...base, percent: 40 })).toBe('in_progress');
    expect(rowState(base)).toBe('not_started');
  });

  it('asks for the per-course summary with the filters and the locale', async () => {
    const item = { course_id: 2, title: 'Kurs', done: 1, in_progress: 2, not_started: 0, overdue: 1, not_enrolled: 0, hours_attended: 3.75, attendees: 2 };
    const { fetch, calls } = fakeFetch(json({ items: [item] }));
    const got = await getProgressSummary(3, { course_id: undefined, profession: 'police', q: '' }, 'sr-Latn', createApiClient({ fetch }));
    expect(calls[0]!.url).toBe('/api/v1/institutions/3/progress/summary?profession=police&locale=sr-Latn');
    expect(got.items).toEqual([item]);
  });
});

describe('certificates in bulk', () => {
  it('streams small sets and sends large ones to a job', () => {
    expect(bulkPlan(0)).toBe('none');
    expect(bulkPlan(1)).toBe('direct');
    expect(bulkPlan(500)).toBe('direct');
    expect(bulkPlan(501)).toBe('job');
    expect(bulkPlan(3, 2)).toBe('job');
  });

  it('takes the direct ZIP limit the list publishes, else the default', () => {
    expect(zipLimit({ zip_limit: 20 })).toBe(20);
    expect(zipLimit({})).toBe(500);
    expect(zipLimit({ zip_limit: 0 })).toBe(500);
    expect(zipLimit(null)).toBe(500);
    expect(bulkPlan(21, zipLimit({ zip_limit: 20 }))).toBe('job');
  });

  it('announces progress by quarters and polls while the job works', () => {
    expect([0, 24, 25, 49, 50, 99, 100].map((d) => progressMilestone(d, 100))).toEqual([0, 0, 1, 1, 2, 3, 4]);
    expect(progressMilestone(5, 0)).toBe(0);
    expect(exportPending({ status: 'queued' })).toBe(true);
    expect(exportPending({ status: 'running' })).toBe(true);
    expect(exportPending({ status: 'ready' })).toBe(false);
    expect(exportPending({ status: 'failed' })).toBe(false);
  });
});

describe('attendance', () => {
  it('checks a period', () => {
    expect(periodError('', '2026-01-01')).toBe('from_required');
    expect(periodError('2026-01-01', 'x')).toBe('to_required');
    expect(periodError('2026-02-01', '2026-01-01')).toBe('order');
    expect(periodError('2023-01-01', '2026-01-02')).toBe('too_long');
    expect(periodError('2023-01-01', '2026-01-01')).toBeNull();
  });

  it('keeps held sessions of the period', () => {
    const now = new Date(2026, 5, 1, 12);
    const at = (d: Date) => d.toISOString();
    expect(sessionInPeriod({ starts_at: at(new Date(2026, 4, 3, 10)), cancelled_at: null }, '2026-05-01', '2026-05-31', now)).toBe(true);
    expect(sessionInPeriod({ starts_at: at(new Date(2026, 4, 3, 10)), cancelled_at: 'x' }, '2026-05-01', '2026-05-31', now)).toBe(false);
    expect(sessionInPeriod({ starts_at: at(new Date(2026, 5, 3, 10)), cancelled_at: null }, '2026-05-01', '2026-06-30', now)).toBe(false);
    expect(sessionInPeriod({ starts_at: at(new Date(2026, 3, 30, 10)), cancelled_at: null }, '2026-05-01', '2026-05-31', now)).toBe(false);
  });

  it('gathers the sessions with our staff, skipping registers it may not read', async () => {
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const day = past.slice(0, 10);
    const session = (id: number) => ({ id, course_id: 1, kind: 'in_person', title: { sr: 'С' }, place: 'П', starts_at: past, duration_minutes: 60, closed_at: null, cancelled_at: null });
    const { fetch, calls } = fakeFetch(
      json({ items: [session(10), session(11)] }),
      json({ session: session(10), closed: true, entries: [{ user_id: 1, institution_id: 7, status: 'present', hours: 1 }, { user_id: 2, institution_id: 8, status: 'present', hours: 1 }] }),
      problem(404, 'session_not_found'),
    );
    const got = await staffSessions(7, [{ id: 1, title: 'Обука' }], '2000-01-01', '2100-01-01', createApiClient({ fetch }));
    expect(day).toMatch(/^\d{4}-/);
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/courses/1/sessions', '/api/v1/sessions/10/attendance', '/api/v1/sessions/11/attendance']);
    expect(got.truncated).toBe(false);
    expect(got.items).toHaveLength(1);
    expect(got.items[0]!.entries.map((e) => e.user_id)).toEqual([1]);
  });
});

describe('charts', () => {
  it('lays out stacked bars on one scale', () => {
    const l = layoutBars([
      { label: 'a', values: [2, 0, 2] },
      { label: 'b', values: [1, 1, 0] },
    ], 456);
    expect(l.bars).toHaveLength(2);
    const [a, b] = l.bars as [(typeof l.bars)[0], (typeof l.bars)[0]];
    expect(a.total).toBe(4);
    expect(a.segments).toEqual([
      { series: 0, x: 0, width: 200, value: 2 },
      { series: 2, x: 200, width: 200, value: 2 },
    ]);
    expect(b.segments.map((s) => s.width)).toEqual([100, 100]);
    expect(b.barY).toBeGreaterThan(a.barY);
    expect(l.height).toBeGreaterThan(b.barY);
    expect(layoutBars([{ label: 'z', values: [0] }]).bars[0]!.segments).toEqual([]);
  });

  it('shortens long labels', () => {
    expect(shorten('кратко')).toBe('кратко');
    expect(shorten('абвгдђежзи', 5)).toBe('абвг…');
  });
});

describe('local words for problems', () => {
  it('replaces the form and field messages it knows', async () => {
    const { localize } = await import('./manage');
    const { ApiError } = await import('./api');
    const err = new ApiError({ status: 422, code: 'course_not_published', errors: [{ field: 'course_id', code: 'not_published', message: 'x' }, { field: 'due_at', code: 'other', message: 'y' }] });
    const view = localize({ form: 'server', fields: { due_at: 'keep' } as Record<string, string> }, err, { course_not_published: 'F', 'course_id.not_published': 'C' });
    expect(view).toEqual({ form: 'F', fields: { course_id: 'C', due_at: 'keep' } });
    expect(localize({ form: 'a', fields: {} }, new Error('x'), { x: 'y' })).toEqual({ form: 'a', fields: {} });
  });
});
