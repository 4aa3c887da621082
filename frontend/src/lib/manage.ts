import { api, ApiError, type ApiClient, type Query } from './api';
import type { Page } from './accounts';
import type { Locale } from './i18n';

// The institution manager's side of the courses and certificates APIs (courses/openapi.yaml,
// certs/openapi.yaml): progress, assignments, staff certificates and their bulk export,
// attendance reports. Types as the server sends them, one function per call (client last, so
// that tests can hand in a fake), and the pure helpers the pages build on.

const BASE = '/api/v1';
const inst = (id: number) => `/institutions/${encodeURIComponent(id)}`;

/** Drops empty values, so that "any" in a filter sends no parameter at all. */
export function cleanQuery(q: object): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(q)) {
    if (v !== '' && v !== undefined && v !== null && !(typeof v === 'number' && (Number.isNaN(v) || v === 0))) out[k] = v as string | number;
  }
  return out;
}

/** path under /api/v1 with query as a URL the browser can follow (links, downloads). */
export function apiUrl(path: string, query: object = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(cleanQuery(query))) params.append(k, String(v));
  const s = params.toString();
  return `${BASE}${path}${s ? `?${s}` : ''}`;
}

// --- courses --------------------------------------------------------------------------------

export interface CourseSummary {
  id: number;
  slug: string;
  status: 'draft' | 'published' | 'archived';
  title: string;
  professions: string[];
  hours: number;
}

/** The published courses a manager can assign (at most 100, by title), in the reader's locale. */
export const listPublishedCourses = (locale: Locale, c: ApiClient = api) =>
  c.get<Page<CourseSummary>>('/courses', { query: { status: 'published', limit: 100, sort: 'title', locale } });

// --- progress -------------------------------------------------------------------------------

export const progressStatuses = ['enrolled', 'not_enrolled', 'in_progress', 'completed', 'overdue'] as const;
export type ProgressStatus = (typeof progressStatuses)[number];

export interface QuizOutcome {
  quiz_id: number;
  /** In the requested locale; empty when the quiz is gone. */
  title: string;
  best_score: number;
  passed: boolean;
  attempts: number;
}

export interface MemberProgress {
  user_id: number;
  full_name: string;
  email: string;
  profession: string;
  course_id: number;
  course_slug: string;
  /** In the requested locale (Serbian Latin derived by the server). */
  course_title: string;
  enrolled: boolean;
  source: string;
  enrolled_at: string | null;
  due_at: string | null;
  percent: number;
  completed_at: string | null;
  quiz_results: QuizOutcome[];
  attended_hours: number;
  overdue: boolean;
}

export interface ProgressFilter {
  course_id?: number | undefined;
  profession?: string | undefined;
  status?: string | undefined;
  q?: string | undefined;
}

export const getProgress = (id: number, f: ProgressFilter, offset: number, limit: number, locale: Locale, c: ApiClient = api) =>
  c.get<Page<MemberProgress>>(`${inst(id)}/progress`, { query: { ...cleanQuery(f), offset, limit, locale } });

export const progressCsvUrl = (id: number, f: ProgressFilter, locale: Locale) => apiUrl(`${inst(id)}/progress`, { ...f, locale, format: 'csv' });

/**
 * One course's totals over the members a filter selects: the charts' data. Each enrolment is in
 * one of done, overdue, in_progress and not_started (as rowState); not_enrolled is only known
 * when the report is asked for one course.
 */
export interface CourseProgressSummary {
  course_id: number;
  title: string;
  done: number;
  in_progress: number;
  not_started: number;
  overdue: number;
  not_enrolled: number;
  hours_attended: number;
  /** Members with any attended hours. */
  attendees: number;
}

/** The per-course totals of every row the filter selects (not a page), ordered by title. */
export const getProgressSummary = (id: number, f: ProgressFilter, locale: Locale, c: ApiClient = api) =>
  c.get<{ items: CourseProgressSummary[] }>(`${inst(id)}/progress/summary`, { query: { ...cleanQuery(f), locale } });

/** Where one enrolment stands, for its badge and for the charts. */
export type RowState = 'not_enrolled' | 'completed' | 'overdue' | 'not_started' | 'in_progress';

export function rowState(m: Pick<MemberProgress, 'enrolled' | 'completed_at' | 'overdue' | 'percent'>): RowState {
  if (!m.enrolled) return 'not_enrolled';
  if (m.completed_at) return 'completed';
  if (m.overdue) return 'overdue';
  return m.percent > 0 ? 'in_progress' : 'not_started';
}

// --- assignments ----------------------------------------------------------------------------

export interface AssignInput {
  course_id: number;
  user_ids?: number[];
  profession?: string;
  due_at?: string | null;
}

export interface EnrolReport {
  enrolled: number[];
  already_enrolled: number[];
  due_updated: number[];
  not_found: number[];
}

/** The most members one assignment may name (courses.MaxBatch). */
export const MAX_ASSIGN = 500;

export const assignCourse = (id: number, input: AssignInput, c: ApiClient = api) =>
  c.post<EnrolReport>(`${inst(id)}/enrolments`, input);

// --- certificates ---------------------------------------------------------------------------

export const certificateKinds = ['completion', 'attendance'] as const;
export const certificateStatuses = ['valid', 'expired', 'revoked', 'superseded'] as const;

export interface Certificate {
  id: number;
  code: string;
  kind: 'completion' | 'attendance';
  status: 'valid' | 'expired' | 'revoked' | 'superseded';
  holder_id: number;
  holder_name: string;
  course_id: number;
  course_title: string;
  hours: number;
  completed_on: string;
  issued_at: string;
  expires_on: string | null;
}

export interface CertFilter {
  course_id?: number | undefined;
  /** Days, YYYY-MM-DD, both included. */
  from?: string | undefined;
  to?: string | undefined;
  kind?: string | undefined;
  status?: string | undefined;
}

export const listCertificates = (id: number, f: CertFilter, offset: number, limit: number, c: ApiClient = api) =>
  c.get<CertificatePage>(`${inst(id)}/certificates`, { query: { ...(cleanQuery(f) as Query), offset, limit } });

export const certificatePdfUrl = (certId: number) => apiUrl(`/certificates/${encodeURIComponent(certId)}/pdf`);
export const certificatesZipUrl = (id: number, f: CertFilter) => apiUrl(`${inst(id)}/certificates/zip`, f);

/**
 * The most certificates GET .../certificates/zip streams on request when the server does not say
 * (it publishes its limit as zip_limit in the list); more answer 422 export_too_large and need an
 * export job, and the app also falls back to a job on that answer.
 */
export const DIRECT_ZIP_LIMIT = 500;

/** A page of an institution's certificates, with the direct ZIP's limit. */
export interface CertificatePage extends Page<Certificate> {
  zip_limit?: number;
}

/** The direct ZIP's limit a list answer publishes, or the default. */
export const zipLimit = (p: Pick<CertificatePage, 'zip_limit'> | null | undefined): number =>
  p && typeof p.zip_limit === 'number' && p.zip_limit > 0 ? p.zip_limit : DIRECT_ZIP_LIMIT;

/** How a bulk download of total certificates goes: nothing to download, one request, or a job. */
export function bulkPlan(total: number, limit = DIRECT_ZIP_LIMIT): 'none' | 'direct' | 'job' {
  if (total <= 0) return 'none';
  return total <= limit ? 'direct' : 'job';
}

export interface CertificateExport {
  id: number;
  institution_id: number;
  status: 'queued' | 'running' | 'ready' | 'failed';
  total: number;
  done: number;
  filter: CertFilter;
  created_at: string;
  finished_at: string | null;
  error?: string;
}

export const createExport = (id: number, f: CertFilter, c: ApiClient = api) =>
  c.post<CertificateExport>(`${inst(id)}/certificate-exports`, cleanQuery(f));
export const getExport = (exportId: number, c: ApiClient = api) =>
  c.get<CertificateExport>(`/certificate-exports/${encodeURIComponent(exportId)}`);
export const exportZipUrl = (exportId: number) => apiUrl(`/certificate-exports/${encodeURIComponent(exportId)}/zip`);

/** Whether a job is still working (poll again). */
export const exportPending = (e: Pick<CertificateExport, 'status'>) => e.status === 'queued' || e.status === 'running';

/**
 * Whether a new progress message is worth announcing: on each quarter reached, so that a
 * screen reader hears "25 %", "50 %"... and not every certificate.
 */
export function progressMilestone(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(4, Math.floor((done / total) * 4));
}

// --- attendance -----------------------------------------------------------------------------

export const attendanceReportPath = (id: number) => `${inst(id)}/attendance-report`;
export const attendanceReportUrl = (id: number, from: string, to: string) => apiUrl(attendanceReportPath(id), { from, to });

export const getAttendanceReport = (id: number, from: string, to: string, c: ApiClient = api) =>
  c.get<Blob>(attendanceReportPath(id), { query: { from, to }, as: 'blob' });

/** A period's problem, if any: days missing, in the wrong order, or more than three years apart. */
export function periodError(from: string, to: string): 'from_required' | 'to_required' | 'order' | 'too_long' | null {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(from)) return 'from_required';
  if (!day.test(to)) return 'to_required';
  if (from > to) return 'order';
  const f = new Date(`${from}T00:00:00Z`);
  f.setUTCFullYear(f.getUTCFullYear() + 3);
  if (new Date(`${to}T00:00:00Z`) > f) return 'too_long';
  return null;
}

/** A day as YYYY-MM-DD in the local calendar. */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// --- downloads ------------------------------------------------------------------------------

/**
 * Starts the browser's download of url (an API address), after a light call that renews the
 * session if its access token has expired: a plain link cannot do that, and would save the 401.
 */
export async function download(url: string, c: ApiClient = api, doc: Document = document): Promise<void> {
  await c.get('/me');
  const a = doc.createElement('a');
  a.href = url;
  a.download = '';
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
}

/** Saves blob under name through a temporary object URL. */
export function saveBlob(blob: Blob, name: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Whether err is the API's "no such institution" (or anything it will not show: 404). */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 404;
}

// --- live sessions the staff attended -------------------------------------------------------
// There is no API listing an institution's sessions; they are gathered from the published
// courses' sessions and the registers the manager may read (their own staff only).

export interface LocalText {
  sr: string;
  en?: string;
}

export interface LiveSession {
  id: number;
  course_id: number;
  kind: 'in_person' | 'online';
  title: LocalText;
  place: string;
  starts_at: string;
  duration_minutes: number;
  closed_at: string | null;
  cancelled_at: string | null;
}

export interface RegisterEntry {
  user_id: number;
  full_name: string;
  email: string;
  profession: string;
  institution_id: number | null;
  status: '' | 'present' | 'late' | 'excused' | 'absent';
  minutes: number;
  hours: number;
}

export interface AttendanceRegister {
  session: LiveSession;
  closed: boolean;
  entries: RegisterEntry[];
}

export interface StaffSession {
  session: LiveSession;
  course: string;
  closed: boolean;
  entries: RegisterEntry[];
}

/** The most sessions looked at for one period (each is a request). */
export const MAX_SESSIONS = 60;

export const listCourseSessions = (courseId: number, c: ApiClient = api) =>
  c.get<{ items: LiveSession[] }>(`/courses/${encodeURIComponent(courseId)}/sessions`);
export const getRegister = (sessionId: number, c: ApiClient = api) =>
  c.get<AttendanceRegister>(`/sessions/${encodeURIComponent(sessionId)}/attendance`);

/** Whether a session started within the days from..to (local calendar, both included) and was held. */
export function sessionInPeriod(s: Pick<LiveSession, 'starts_at' | 'cancelled_at'>, from: string, to: string, now = new Date()): boolean {
  if (s.cancelled_at) return false;
  const start = new Date(s.starts_at);
  if (start > now) return false;
  const d = isoDay(start);
  return d >= from && d <= to;
}

/**
 * The held sessions of the period with staff of institution id on their register, newest first,
 * and whether more sessions were found than were looked at.
 */
export async function staffSessions(
  id: number,
  courses: readonly Pick<CourseSummary, 'id' | 'title'>[],
  from: string,
  to: string,
  c: ApiClient = api,
): Promise<{ items: StaffSession[]; truncated: boolean }> {
  const lists = await Promise.all(courses.map((course) => listCourseSessions(course.id, c).then((l) => l.items.map((s) => ({ s, course: course.title })))));
  const held = lists
    .flat()
    .filter(({ s }) => sessionInPeriod(s, from, to))
    .sort((a, b) => b.s.starts_at.localeCompare(a.s.starts_at));
  const picked = held.slice(0, MAX_SESSIONS);
  const items: StaffSession[] = [];
  // A few at a time: the registers of sessions without our staff answer 404, which is fine.
  for (let i = 0; i < picked.length; i += 6) {
    const batch = await Promise.all(
      picked.slice(i, i + 6).map(({ s, course }) =>
        getRegister(s.id, c).then(
          (r): StaffSession => ({ session: s, course, closed: r.closed, entries: r.entries.filter((e) => e.institution_id === id) }),
          (err: unknown) => {
            if (isNotFound(err)) return null;
            throw err;
          },
        ),
      ),
    );
    for (const b of batch) if (b && b.entries.length > 0) items.push(b);
  }
  return { items, truncated: held.length > picked.length };
}

/**
 * Puts this area's own words on problems the shared catalogue does not name: words is keyed by
 * the problem's code (the form's message) or by field.code (that field's message).
 */
export function localize<V extends { form: string | null; fields: Record<string, string> }>(view: V, err: unknown, words: Readonly<Record<string, string>>): V {
  if (!(err instanceof ApiError)) return view;
  const form = words[err.code];
  if (form !== undefined) view.form = form;
  for (const e of err.errors) {
    const text = words[`${e.field}.${e.code}`];
    if (text !== undefined) view.fields[e.field] = text;
  }
  return view;
}
