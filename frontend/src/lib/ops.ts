import { api, type ApiClient } from './api';
import { getLocale, type Locale } from './i18n';
import { toLatin } from './translit';

// The APIs behind the trainer's operations pages: live sessions and their attendance register
// (courses/openapi.yaml), quiz analytics and the indicator catalogue (quiz/openapi.yaml), and the
// attendance report and certificates (certs/openapi.yaml). Each call takes the client last so
// that tests can hand in a fake one.

/** Text in both platform languages; Serbian is stored in Cyrillic, Latin is derived. */
export interface LocalText {
  sr: string;
  en?: string;
}

/** text in locale: English falls back to Serbian; Serbian Latin is transliterated. */
export function localText(text: LocalText | null | undefined, locale: Locale = getLocale()): string {
  if (!text) return '';
  if (locale === 'en') return text.en || text.sr;
  return locale === 'sr-Latn' ? toLatin(text.sr) : text.sr;
}

// --- live sessions -------------------------------------------------------------------------

export const sessionKinds = ['in_person', 'online'] as const;
export type SessionKind = (typeof sessionKinds)[number];

export interface LiveSession {
  id: number;
  course_id: number;
  kind: SessionKind;
  title: LocalText;
  place: string;
  link: string;
  starts_at: string;
  duration_minutes: number;
  capacity: number;
  registered: number;
  trainer_id: number;
  version: number;
  closed_at: string | null;
  cancelled_at: string | null;
  registered_me: boolean;
  can_manage: boolean;
}

export interface SessionInput {
  kind: SessionKind;
  title: LocalText;
  place: string;
  link: string;
  starts_at: string;
  duration_minutes: number;
  capacity: number;
  trainer_id?: number;
}

export type SessionState = 'cancelled' | 'closed' | 'upcoming' | 'held';

/** Where a session stands: cancelled, register closed, not started yet, or held (open register). */
export function sessionState(s: Pick<LiveSession, 'cancelled_at' | 'closed_at' | 'starts_at'>, now = Date.now()): SessionState {
  if (s.cancelled_at) return 'cancelled';
  if (s.closed_at) return 'closed';
  return Date.parse(s.starts_at) > now ? 'upcoming' : 'held';
}

export const attendanceStatuses = ['present', 'late', 'excused', 'absent'] as const;
export type AttendanceStatus = (typeof attendanceStatuses)[number];

export interface AttendanceChange {
  status: AttendanceStatus;
  minutes: number;
  reason: string;
  after_close: boolean;
  recorded_by: number | null;
  recorded_at: string;
}

export interface RegisterEntry {
  user_id: number;
  full_name: string;
  email: string;
  profession: string;
  institution_id: number | null;
  institution: string;
  /** '' until a line is written. */
  status: AttendanceStatus | '';
  minutes: number;
  hours: number;
  recorded_at: string | null;
  history: AttendanceChange[];
}

export interface AttendanceRegister {
  session: LiveSession;
  closed: boolean;
  entries: RegisterEntry[];
}

export interface AttendanceEntryInput {
  user_id: number;
  status: AttendanceStatus;
  minutes?: number;
  reason?: string;
}

export interface RegistrationReport {
  registered: number[];
  already_registered: number[];
  not_found: number[];
}

export interface CourseDraftInfo {
  id: number;
  slug: string;
  status: string;
  owner_id: number;
  authors: number[];
  title: LocalText;
}

export interface Certificate {
  id: number;
  code: string;
  kind: 'completion' | 'attendance';
  status: string;
  holder_id: number;
  holder_name: string;
  hours: number;
}

const id = (n: number) => encodeURIComponent(n);

export const getCourseDraft = (courseId: number, c: ApiClient = api) => c.get<CourseDraftInfo>(`/courses/${id(courseId)}/draft`);
export const listSessions = (courseId: number, c: ApiClient = api) =>
  c.get<{ items: LiveSession[] }>(`/courses/${id(courseId)}/sessions`).then((r) => r.items);
export const createSession = (courseId: number, input: SessionInput, c: ApiClient = api) =>
  c.post<LiveSession>(`/courses/${id(courseId)}/sessions`, input);
export const getSession = (sessionId: number, c: ApiClient = api) => c.get<LiveSession>(`/sessions/${id(sessionId)}`);
export const updateSession = (sessionId: number, version: number, input: Partial<SessionInput>, c: ApiClient = api) =>
  c.patch<LiveSession>(`/sessions/${id(sessionId)}`, { version, ...input });
export const cancelSession = (sessionId: number, c: ApiClient = api) => c.delete<void>(`/sessions/${id(sessionId)}`);
export const registerForSession = (sessionId: number, userIds?: number[], c: ApiClient = api) =>
  c.post<RegistrationReport>(`/sessions/${id(sessionId)}/registrations`, userIds ? { user_ids: userIds } : undefined);

export const getRegister = (sessionId: number, c: ApiClient = api) => c.get<AttendanceRegister>(`/sessions/${id(sessionId)}/attendance`);
export const recordAttendance = (sessionId: number, entries: AttendanceEntryInput[], c: ApiClient = api) =>
  c.put<AttendanceRegister>(`/sessions/${id(sessionId)}/attendance`, { entries });
export const closeRegister = (sessionId: number, c: ApiClient = api) => c.post<AttendanceRegister>(`/sessions/${id(sessionId)}/close`);
export const issueAttendanceCertificate = (courseId: number, userId: number, c: ApiClient = api) =>
  c.post<Certificate>(`/courses/${id(courseId)}/attendance-certificates`, { user_id: userId });

/** Links the browser downloads itself (the session cookie goes with them). */
export const registerCsvUrl = (sessionId: number) => `/api/v1/sessions/${id(sessionId)}/attendance?format=csv`;
export const attendanceReportUrl = (sessionId: number) => `/api/v1/sessions/${id(sessionId)}/attendance-report`;

/** A <input type="datetime-local"> value (local time) for an RFC 3339 instant. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The RFC 3339 instant of a <input type="datetime-local"> value, or undefined when it is not one. */
export function fromLocalInput(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

// --- quiz analytics ------------------------------------------------------------------------

export interface QuestionStats {
  question_id: number;
  title: string;
  type: string;
  attempts: number;
  facility: number | null;
  discrimination: number | null;
}

export interface Rates {
  present: number;
  found: number;
  detection_rate: number | null;
  distractor: number;
  false_alarms: number;
  false_alarm_rate: number | null;
}

export interface GroupRates {
  key: string;
  name: string;
  rates: Rates;
}

export interface IndicatorStats {
  code: string;
  name: LocalText;
  overall: Rates;
  by_profession: GroupRates[];
  by_institution: GroupRates[];
}

export interface Analytics {
  course_id: number;
  quiz_id: number | null;
  institution_id: number | null;
  attempts: number;
  mean_score: number | null;
  questions: QuestionStats[];
  indicators: IndicatorStats[];
}

export interface QuizInfo {
  id: number;
  course_id: number;
  title: LocalText;
  publication: { version?: number; published_at?: string } | null;
}

export type AnalyticsTable = 'questions' | 'indicators';

export const getQuiz = (quizId: number, c: ApiClient = api) => c.get<QuizInfo>(`/quizzes/${id(quizId)}`);
export const listQuizzes = (courseId: number, c: ApiClient = api) =>
  c.get<{ items: QuizInfo[] }>('/quizzes', { query: { course_id: courseId } }).then((r) => r.items);
export const quizAnalytics = (quizId: number, c: ApiClient = api) => c.get<Analytics>(`/quizzes/${id(quizId)}/analytics`);
export const courseAnalytics = (courseId: number, c: ApiClient = api) => c.get<Analytics>('/quiz-analytics', { query: { course_id: courseId } });

export function analyticsCsvUrl(scope: { quiz: number } | { course: number }, table: AnalyticsTable): string {
  return 'quiz' in scope
    ? `/api/v1/quizzes/${id(scope.quiz)}/analytics/export?table=${table}`
    : `/api/v1/quiz-analytics/export?course_id=${id(scope.course)}&table=${table}`;
}

// --- the indicator catalogue ---------------------------------------------------------------

export const indicatorLists = ['adult-labour', 'adult-sexual', 'child-labour', 'child-sexual'] as const;
export type IndicatorList = (typeof indicatorLists)[number];
export type Strength = 'strong' | 'medium' | 'weak';
export const strengths: readonly Strength[] = ['strong', 'medium', 'weak'];
export type ReviewStatus = 'reviewed' | 'pending';

export interface Provenance {
  source: string;
  review: ReviewStatus;
  review_note?: string;
}

export interface ListInfo {
  code: IndicatorList;
  age_group: 'adult' | 'child';
  name: LocalText;
}

export interface Dimension {
  code: string;
  role: 'recruitment' | 'exploitation' | 'destination';
  name: LocalText;
  explanation: LocalText;
}

export interface Indicator extends Provenance {
  code: string;
  dimension: string;
  name: LocalText;
  explanation: LocalText;
  strength: Record<IndicatorList, Strength>;
}

export interface Sign extends Provenance {
  code: string;
  kind: 'evidence' | 'supporting' | 'procedural';
  name: LocalText;
  explanation: LocalText;
  professions: string[];
  maps_to: string[];
}

export interface Threshold {
  label: LocalText;
  slots: Strength[][];
}

export interface Catalogue {
  version: number;
  format: number;
  lists: ListInfo[];
  dimensions: Dimension[];
  indicators: Indicator[];
  signs: Sign[];
  rule: {
    dimension: Provenance & { thresholds: Threshold[] };
    case: Provenance & { age_groups: unknown[] };
  };
}

export interface CatalogueVersion {
  version: number;
  created_at: string;
  created_by: number | null;
}

export type Outcome = 'trafficking' | 'exploitation' | 'insufficient';

export interface Reason {
  key: string;
  text: string;
  params?: Record<string, string>;
}

export interface CountedIndicator {
  code: string;
  dimension: string;
  strength: Strength;
  direct: boolean;
  via?: string[];
}

export interface DimensionResult {
  code: string;
  role: string;
  positive: boolean;
  indicators: CountedIndicator[];
  threshold?: LocalText;
  met?: string[];
  reason: Reason;
}

export interface Assessment {
  list: IndicatorList;
  age_group: 'adult' | 'child';
  dimensions: DimensionResult[];
  outcome: Outcome;
  explanation: Reason;
  counted: CountedIndicator[];
  uncounted?: string[];
  catalogue_version: number;
}

export const getCatalogue = (version?: number, c: ApiClient = api) =>
  c.get<Catalogue>('/indicators', version ? { query: { version } } : {});
export const listCatalogueVersions = (c: ApiClient = api) =>
  c.get<{ items: CatalogueVersion[] }>('/indicators/versions').then((r) => r.items);
/** Saves an edit of version base; the server refuses it (409 catalogue_changed) when a later version exists. */
export const putCatalogue = (cat: Catalogue, base: number, c: ApiClient = api) =>
  c.put<Catalogue>('/indicators', cat, { query: { base_version: base } });
export const assess = (list: IndicatorList, present: string[], c: ApiClient = api) =>
  c.post<Assessment>('/indicators/assess', { list, present });

/** Codes typed or pasted by a person: split on commas, spaces or new lines, upper-cased, each once. */
export function parseCodes(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[\s,;]+/)) {
    const code = part.trim().toUpperCase();
    if (code && !out.includes(code)) out.push(code);
  }
  return out;
}

/** A copy of cat with one indicator or sign replaced (matched by code), ready to PUT. */
export function replaceEntry(cat: Catalogue, entry: Indicator | Sign, kind: 'indicator' | 'sign'): Catalogue {
  if (kind === 'indicator') {
    return { ...cat, indicators: cat.indicators.map((i) => (i.code === entry.code ? (entry as Indicator) : i)) };
  }
  return { ...cat, signs: cat.signs.map((s) => (s.code === entry.code ? (entry as Sign) : s)) };
}
