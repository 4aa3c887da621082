import { api, type ApiClient } from './api';
import type { Page } from './accounts';
import type { Locale } from './i18n';
import { toLatin } from './translit';

// The learner's side of the courses and certificates APIs (courses/openapi.yaml,
// certs/openapi.yaml, and the quiz list of quiz/openapi.yaml): types as the server sends them,
// and one function per call. Each takes the client last so that tests can hand in a fake one.

export const levels = ['introductory', 'intermediate', 'advanced'] as const;
export type Level = (typeof levels)[number];

export const courseSorts = ['title', '-title', 'newest', 'oldest', 'hours', '-hours'] as const;
export type CourseSort = (typeof courseSorts)[number];

export const courseLanguages = ['sr', 'en'] as const;
export type CourseLanguage = (typeof courseLanguages)[number];

/** Text kept in Serbian (Cyrillic) and, optionally, English. */
export interface LocalText {
  sr: string;
  en?: string;
}

export interface CourseSummary {
  id: number;
  slug: string;
  status: 'draft' | 'published' | 'archived';
  revision: number;
  locale: Locale;
  title: string;
  summary: string;
  professions: string[];
  languages: string[];
  level: string;
  hours: number;
  validity_months: number;
  content_warning: boolean;
  self_enrol: boolean;
  published_at: string | null;
  enrolled: boolean;
  editable: boolean;
}

export interface LessonOutline {
  id: number;
  title: string;
  reading_minutes: number;
  content_warning: boolean;
  required: boolean;
  completed: boolean;
}

export interface ModuleOutline {
  id: number;
  title: string;
  lessons: LessonOutline[];
}

export interface QuizRequirement {
  quiz_id: number;
  min_score: number;
}

export interface CourseCompletion {
  min_attended_hours: number;
  quizzes: QuizRequirement[];
}

export interface CourseView extends CourseSummary {
  modules: ModuleOutline[];
  completion: CourseCompletion;
}

export interface CourseEnrolment {
  user_id: number;
  course_id: number;
  source: 'self' | 'manager' | 'trainer' | 'admin';
  enrolled_at: string;
  due_at: string | null;
  completed_at: string | null;
}

export interface NextStep {
  kind: 'lesson' | 'quiz' | 'session';
  lesson_id?: number;
  quiz_id?: number;
}

export interface QuizStatus {
  quiz_id: number;
  min_score: number;
  best_score: number | null;
  passed: boolean;
  met: boolean;
}

export interface CourseProgress {
  course_id: number;
  user_id: number;
  revision: number;
  enrolled_at: string;
  due_at: string | null;
  overdue: boolean;
  completed: boolean;
  completed_at: string | null;
  completed_revision: number;
  percent: number;
  lessons_done: number;
  lessons_total: number;
  required_lessons_done: number;
  required_lessons_total: number;
  quizzes: QuizStatus[];
  attended_hours: number;
  min_attended_hours: number;
  rule_met: boolean;
  next: NextStep | null;
  /** 1, then one more for each re-take after a completion expired. */
  cycle?: number;
  cycle_started_at?: string;
  /** When the completed course may be taken again (its validity has passed); null otherwise. */
  retake_from?: string | null;
}

export interface MyCourse {
  course: CourseSummary;
  enrolled_at: string;
  due_at: string | null;
  overdue: boolean;
  completed_at: string | null;
  percent: number;
  next: NextStep | null;
}

export interface LessonView {
  id: number;
  course_id: number;
  module_id: number;
  revision: number;
  locale: string;
  title: string;
  /** Sanitised by the server: the only HTML the app inserts as such. */
  html: string;
  reading_minutes: number;
  content_warning: boolean;
  required: boolean;
  previous_lesson_id: number | null;
  next_lesson_id: number | null;
  enrolled: boolean;
  completed_at: string | null;
  seconds_spent: number;
}

export interface LessonTime {
  lesson_id: number;
  seconds_spent: number;
  credited: number;
}

export interface LiveSession {
  id: number;
  course_id: number;
  kind: 'in_person' | 'online';
  title: LocalText;
  place: string;
  /** Only for those registered and those who run the session. */
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

export interface RegistrationReport {
  registered: number[];
  already_registered: number[];
  not_found: number[];
}

/** A quiz as listed for a course (the learner's view: published settings and their standing). */
export interface QuizInfo {
  id: number;
  course_id: number;
  module_id: number;
  title: LocalText;
  me?: {
    attempts: unknown[];
    grade: number | null;
    passed: boolean | null;
    attempts_left: number | null;
    can_start: boolean;
    reason?: string;
  };
}

export type CertificateStatus = 'valid' | 'expired' | 'revoked' | 'superseded';

export interface Certificate {
  id: number;
  code: string;
  kind: 'completion' | 'attendance';
  status: CertificateStatus;
  holder_id: number;
  holder_name: string;
  course_id: number;
  course_version: number;
  course_title: string;
  hours: number;
  completed_on: string;
  issued_at: string;
  expires_on: string | null;
  show_result: boolean;
  supersedes_id: number | null;
  superseded_by_id: number | null;
  superseded_at: string | null;
  revoked_at: string | null;
  revocation_reason?: string;
}

export interface Verification {
  status: CertificateStatus;
  code: string;
  kind: 'completion' | 'attendance';
  locale: string;
  holder_name: string;
  course_title: string;
  hours: number;
  started_on?: string;
  completed_on: string;
  session_dates?: string[];
  issued_on: string;
  expires_on?: string;
  issuer: string;
  result?: string;
  revoked_at?: string;
  revocation_reason?: string;
  superseded_at?: string;
}

export interface CatalogueQuery {
  q?: string;
  profession?: string;
  language?: CourseLanguage | '';
  level?: Level | '';
  sort?: CourseSort;
  offset?: number;
  limit?: number;
  locale?: Locale;
}

const blank = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

// --- courses -----------------------------------------------------------------------------------

export function listCourses(query: CatalogueQuery = {}, client: ApiClient = api): Promise<Page<CourseSummary>> {
  return client.get('/courses', {
    query: {
      q: blank(query.q?.trim()),
      profession: blank(query.profession),
      language: blank(query.language),
      level: blank(query.level),
      sort: query.sort,
      offset: query.offset,
      limit: query.limit,
      locale: query.locale,
    },
  });
}

export function getCourse(id: number, locale?: Locale, client: ApiClient = api): Promise<CourseView> {
  return client.get(`/courses/${id}`, { query: { locale } });
}

/** Starts a new cycle of a completed course whose validity has passed (recertification). */
export function retake(courseId: number, client: ApiClient = api): Promise<CourseProgress> {
  return client.post<CourseProgress>(`/courses/${courseId}/retake`, {});
}

/** Whether progress is a completion the learner may take again now. */
export function canRetake(progress: CourseProgress, now: Date = new Date()): boolean {
  return progress.completed && !!progress.retake_from && new Date(progress.retake_from).getTime() <= now.getTime();
}

export function enrol(courseId: number, client: ApiClient = api): Promise<CourseEnrolment> {
  return client.post(`/courses/${courseId}/enrolment`);
}

export function getProgress(courseId: number, client: ApiClient = api): Promise<CourseProgress> {
  return client.get(`/courses/${courseId}/progress`);
}

export function myCourses(query: { offset?: number; limit?: number; locale?: Locale } = {}, client: ApiClient = api): Promise<Page<MyCourse>> {
  return client.get('/me/courses', { query: { ...query } });
}

export function getLesson(id: number, locale?: Locale, client: ApiClient = api): Promise<LessonView> {
  return client.get(`/lessons/${id}`, { query: { locale } });
}

export function completeLesson(id: number, client: ApiClient = api): Promise<CourseProgress> {
  return client.post(`/lessons/${id}/complete`);
}

export function lessonHeartbeat(id: number, active: boolean, client: ApiClient = api): Promise<LessonTime> {
  return client.post(`/lessons/${id}/heartbeat`, { active });
}

export async function listSessions(courseId: number, client: ApiClient = api): Promise<LiveSession[]> {
  const res = await client.get<{ items: LiveSession[] }>(`/courses/${courseId}/sessions`);
  return res.items;
}

/** Registers the signed-in user (no body: oneself). */
export function registerForSession(sessionId: number, client: ApiClient = api): Promise<RegistrationReport> {
  return client.post(`/sessions/${sessionId}/registrations`);
}

export function unregisterFromSession(sessionId: number, userId: number, client: ApiClient = api): Promise<void> {
  return client.delete(`/sessions/${sessionId}/registrations/${userId}`);
}

export async function listCourseQuizzes(courseId: number, client: ApiClient = api): Promise<QuizInfo[]> {
  const res = await client.get<Page<QuizInfo>>('/quizzes', { query: { course_id: courseId } });
  return res.items;
}

// --- certificates ------------------------------------------------------------------------------

export function myCertificates(query: { offset?: number; limit?: number } = {}, client: ApiClient = api): Promise<Page<Certificate>> {
  return client.get('/me/certificates', { query: { ...query } });
}

export function setShowResult(id: number, show: boolean, client: ApiClient = api): Promise<Certificate> {
  return client.patch(`/me/certificates/${id}`, { show_result: show });
}

/** Where the browser downloads a certificate's PDF (a plain link: the cookies go with it). */
export function certificatePdfUrl(id: number): string {
  return `/api/v1/certificates/${id}/pdf`;
}

export function verifyCertificate(code: string, client: ApiClient = api): Promise<Verification> {
  return client.get(`/verify/${encodeURIComponent(code)}`, { refresh: false });
}

// --- helpers for the pages ---------------------------------------------------------------------

/** The text of t in locale: English when there is some, else Serbian in the locale's script. */
export function localText(text: LocalText | null | undefined, locale: Locale): string {
  if (!text) return '';
  if (locale === 'en' && text.en) return text.en;
  return locale === 'sr-Latn' ? toLatin(text.sr) : text.sr;
}

/** The app's page for a course's next step (quizzes and sessions live on their own pages). */
export function nextStepHref(courseId: number, next: NextStep | null | undefined): string | null {
  if (!next) return null;
  if (next.kind === 'lesson' && next.lesson_id) return lessonPath(courseId, next.lesson_id);
  if (next.kind === 'quiz' && next.quiz_id) return `/quizzes/${next.quiz_id}`;
  if (next.kind === 'session') return `${coursePath(courseId)}#sessions`;
  return null;
}

export const coursePath = (id: number) => `/courses/${id}`;
export const lessonPath = (courseId: number, lessonId: number) => `/courses/${courseId}/lessons/${lessonId}`;
export const verifyPath = (code: string) => `/verify/${encodeURIComponent(code)}`;

/** The course's professions as the default filter: none for "other" (all courses fit). */
export function defaultProfession(profession: string | null | undefined): string {
  return profession && profession !== 'other' ? profession : '';
}

/** Places left in a session (never below zero). */
export function placesLeft(s: Pick<LiveSession, 'capacity' | 'registered'>): number {
  return Math.max(0, s.capacity - s.registered);
}

/** Whether the signed-in learner can still register (open, not started, not full). */
export function canRegister(s: LiveSession, now: number = Date.now()): boolean {
  if (s.registered_me || s.closed_at || s.cancelled_at) return false;
  if (Date.parse(s.starts_at) <= now) return false;
  return placesLeft(s) > 0;
}

// --- verification codes ------------------------------------------------------------------------

// The server's alphabet (certs/code.go): Crockford's base32, digits and upper-case letters
// without I, L, O and U; 27 random symbols and a Luhn mod 32 check symbol, in groups of four.
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 28;
const CODE_GROUP = 4;

export type CodeCheck =
  | { ok: true; code: string }
  | { ok: false; reason: 'empty' | 'characters' | 'length' | 'check'; length: number };

const dashes = /[\s\-\u2010-\u2015\u2212]/gu;

/**
 * Reads a code as a person typed it, the way the server does: case, spaces and dashes do not
 * matter, O reads as 0 and I or L as 1. Answers the canonical form (XXXX-XXXX-...) or why not.
 */
export function normalizeCode(input: string): CodeCheck {
  const raw = input.replace(dashes, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  if (raw === '') return { ok: false, reason: 'empty', length: 0 };
  const vals: number[] = [];
  for (const ch of raw) {
    const i = CODE_ALPHABET.indexOf(ch);
    if (i < 0) return { ok: false, reason: 'characters', length: raw.length };
    vals.push(i);
  }
  if (vals.length !== CODE_LENGTH) return { ok: false, reason: 'length', length: vals.length };
  if (checkSymbol(vals.slice(0, CODE_LENGTH - 1)) !== vals[CODE_LENGTH - 1]) return { ok: false, reason: 'check', length: vals.length };
  return { ok: true, code: formatCode(vals) };
}

/** The code in groups of four, without checking it (for showing what was typed). */
export function formatCode(vals: readonly number[]): string {
  let out = '';
  vals.forEach((v, i) => {
    if (i > 0 && i % CODE_GROUP === 0) out += '-';
    out += CODE_ALPHABET[v];
  });
  return out;
}

/** Luhn mod 32, as in certs/code.go. */
export function checkSymbol(vals: readonly number[]): number {
  const n = CODE_ALPHABET.length;
  let sum = 0;
  let factor = 2;
  for (let i = vals.length - 1; i >= 0; i--) {
    const addend = factor * vals[i]!;
    sum += Math.floor(addend / n) + (addend % n);
    factor = 3 - factor;
  }
  return (n - (sum % n)) % n;
}

/** What the verification page shows for an answer of the API. */
export type VerifyState =
  | { kind: 'found'; result: Verification }
  | { kind: 'unknown' }
  | { kind: 'rate_limited'; retryAfter: number | undefined }
  | { kind: 'error'; error: unknown };

export async function verifyState(code: string, client: ApiClient = api): Promise<VerifyState> {
  try {
    return { kind: 'found', result: await verifyCertificate(code, client) };
  } catch (err) {
    const e = err as { status?: number; code?: string; retryAfter?: number };
    if (e.status === 404 || e.code === 'unknown_code') return { kind: 'unknown' };
    if (e.status === 429) return { kind: 'rate_limited', retryAfter: e.retryAfter };
    return { kind: 'error', error: err };
  }
}

// --- the catalogue's filters in the address -----------------------------------------------------

/**
 * The catalogue's filters from the address's query (so that Back and shared links keep them).
 * Without a profession parameter the learner's own profession applies; an empty one means all.
 */
export function catalogueFromSearch(search: string, ownProfession: string): Required<Pick<CatalogueQuery, 'q' | 'profession' | 'language' | 'level' | 'sort'>> & { offset: number } {
  const p = new URLSearchParams(search);
  const pick = <T extends string>(value: string | null, allowed: readonly T[]): T | '' => (allowed.includes(value as T) ? (value as T) : '');
  const offset = Number(p.get('offset'));
  return {
    q: (p.get('q') ?? '').slice(0, 100),
    profession: p.has('profession') ? (p.get('profession') ?? '') : defaultProfession(ownProfession),
    language: pick(p.get('language'), courseLanguages),
    level: pick(p.get('level'), levels),
    sort: pick(p.get('sort'), courseSorts) || 'title',
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** The query string for the catalogue's filters: only what differs from the defaults. */
export function catalogueSearch(query: CatalogueQuery, ownProfession: string): string {
  const p = new URLSearchParams();
  if (query.q?.trim()) p.set('q', query.q.trim());
  if ((query.profession ?? '') !== defaultProfession(ownProfession)) p.set('profession', query.profession ?? '');
  if (query.language) p.set('language', query.language);
  if (query.level) p.set('level', query.level);
  if (query.sort && query.sort !== 'title') p.set('sort', query.sort);
  if (query.offset) p.set('offset', String(query.offset));
  const s = p.toString();
  return s ? `?${s}` : '';
}
