import { api, ApiError, readProblem, type ApiClient } from './api';
import { describeError, problemMessage, type ErrorView } from './errors';
import { hasMessage, t } from './i18n';
import { serbianTag, toLatin } from './translit';

// The authoring side of the courses API (courses/openapi.yaml) and of the quiz API
// (quiz/openapi.yaml): types as the server sends them, one function per call. Each takes the
// client last so that tests can hand in a fake one.

export const levels = ['introductory', 'intermediate', 'advanced'] as const;

/** A text in each content language; Serbian is the Cyrillic source. */
export interface LocalText {
  sr: string;
  en: string;
}

export const emptyText = (): LocalText => ({ sr: '', en: '' });

export interface QuizRequirement {
  quiz_id: number;
  min_score: number;
}

export interface Completion {
  min_attended_hours: number;
  quizzes: QuizRequirement[];
}

export interface CourseSummary {
  id: number;
  slug: string;
  status: 'draft' | 'published' | 'archived';
  revision: number;
  locale: string;
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

export interface DraftLesson {
  id: number;
  key: string;
  version: number;
  title: LocalText;
  reading_minutes: number;
  content_warning: boolean;
  required: boolean;
  published: boolean;
}

export interface DraftModule {
  id: number;
  version: number;
  title: LocalText;
  lessons: DraftLesson[];
}

export interface CourseDraft {
  id: number;
  slug: string;
  status: string;
  owner_id: number;
  authors: number[];
  /** The owner and the co-authors, named. */
  people: Person[];
  version: number;
  revision: number;
  title: LocalText;
  summary: LocalText;
  professions: string[];
  level: string;
  hours: number;
  validity_months: number;
  content_warning: boolean;
  self_enrol: boolean;
  completion: Completion;
  modules: DraftModule[];
  published_at: string | null;
  updated_at: string;
}

/** A published course as learners see it, in one locale. */
export interface CourseView extends CourseSummary {
  modules: {
    id: number;
    title: string;
    lessons: { id: number; title: string; reading_minutes: number; content_warning: boolean; required: boolean }[];
  }[];
  completion: Completion;
}

export interface LessonDraft {
  id: number;
  course_id: number;
  module_id: number;
  key: string;
  version: number;
  title: LocalText;
  body: LocalText;
  html: LocalText;
  reading_minutes: number;
  content_warning: boolean;
  required: boolean;
  published_at: string | null;
  updated_at: string;
}

export interface LessonView {
  id: number;
  title: string;
  html: string;
  locale: string;
}

export interface CourseFields {
  slug: string;
  title: LocalText;
  summary: LocalText;
  professions: string[];
  level: string;
  hours: number;
  validity_months: number;
  content_warning: boolean;
  self_enrol: boolean;
  completion: Completion;
}

export interface ImportProblemLine {
  file: string;
  line: number;
  message: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

const id = (n: number) => encodeURIComponent(n);

// --- courses ---------------------------------------------------------------------------------

export const listCourses = (q: { status?: string; q?: string; offset?: number; limit?: number; locale?: string } = {}, c: ApiClient = api) =>
  c.get<Page<CourseSummary>>('/courses', { query: { limit: 100, ...q } });
export const createCourse = (f: CourseFields, c: ApiClient = api) => c.post<CourseDraft>('/courses', f);
export const getDraft = (courseId: number, c: ApiClient = api) => c.get<CourseDraft>(`/courses/${id(courseId)}/draft`);
export const getPublished = (courseId: number, locale: string, c: ApiClient = api) =>
  c.get<CourseView>(`/courses/${id(courseId)}`, { query: { locale } });
export const patchCourse = (courseId: number, patch: Partial<CourseFields> & { version: number }, c: ApiClient = api) =>
  c.patch<CourseDraft>(`/courses/${id(courseId)}`, patch);
export const publishCourse = (courseId: number, c: ApiClient = api) => c.post<CourseDraft>(`/courses/${id(courseId)}/publish`);
export const archiveCourse = (courseId: number, c: ApiClient = api) => c.post<CourseDraft>(`/courses/${id(courseId)}/archive`);
export const duplicateCourse = (courseId: number, c: ApiClient = api) => c.post<CourseDraft>(`/courses/${id(courseId)}/duplicate`);
export const exportPath = (courseId: number) => `/api/v1/courses/${id(courseId)}/export`;
export const importCourse = (zip: Blob, update: boolean, c: ApiClient = api) =>
  c.post<CourseDraft>('/courses/import', new Blob([zip], { type: 'application/zip' }), { query: { update: update ? 'true' : undefined } });
/** Someone named on a course: its owner or a co-author. */
export interface Person {
  id: number;
  full_name: string;
}

/** An active trainer, as a course's owner choosing co-authors finds them. */
export interface Trainer extends Person {
  email: string;
}

/** Active trainers whose name or email contains q (trainers and admins may ask). */
export const searchTrainers = (q: string, c: ApiClient = api) => c.get<Page<Trainer>>('/trainers', { query: { q, limit: 20 } });
export const addAuthor = (courseId: number, userId: number, c: ApiClient = api) =>
  c.post<CourseDraft>(`/courses/${id(courseId)}/authors`, { user_id: userId });
export const removeAuthor = (courseId: number, userId: number, c: ApiClient = api) =>
  c.delete<void>(`/courses/${id(courseId)}/authors/${id(userId)}`);

export const createModule = (courseId: number, title: LocalText, c: ApiClient = api) =>
  c.post<DraftModule>(`/courses/${id(courseId)}/modules`, { title });
export const reorderModules = (courseId: number, version: number, moduleIds: number[], c: ApiClient = api) =>
  c.put<CourseDraft>(`/courses/${id(courseId)}/modules/order`, { version, module_ids: moduleIds });
export const renameModule = (moduleId: number, version: number, title: LocalText, c: ApiClient = api) =>
  c.patch<DraftModule>(`/modules/${id(moduleId)}`, { version, title });
export const deleteModule = (moduleId: number, c: ApiClient = api) => c.delete<void>(`/modules/${id(moduleId)}`);
export const reorderLessons = (moduleId: number, version: number, lessonIds: number[], c: ApiClient = api) =>
  c.put<DraftModule>(`/modules/${id(moduleId)}/lessons/order`, { version, lesson_ids: lessonIds });

export interface LessonFields {
  key?: string;
  title: LocalText;
  body?: LocalText;
  reading_minutes?: number;
  content_warning?: boolean;
  required?: boolean;
}
export const createLesson = (moduleId: number, f: LessonFields, c: ApiClient = api) =>
  c.post<LessonDraft>(`/modules/${id(moduleId)}/lessons`, f);
export const getLessonDraft = (lessonId: number, c: ApiClient = api) => c.get<LessonDraft>(`/lessons/${id(lessonId)}/draft`);
export const getPublishedLesson = (lessonId: number, locale: string, c: ApiClient = api) =>
  c.get<LessonView>(`/lessons/${id(lessonId)}`, { query: { locale } });
export const patchLesson = (lessonId: number, patch: Partial<LessonFields> & { version: number }, c: ApiClient = api) =>
  c.patch<LessonDraft>(`/lessons/${id(lessonId)}`, patch);
export const deleteLesson = (lessonId: number, c: ApiClient = api) => c.delete<void>(`/lessons/${id(lessonId)}`);

// --- indicator catalogue ----------------------------------------------------------------------

export interface CatalogueIndicator {
  code: string;
  dimension: string;
  name: LocalText;
  explanation: LocalText;
  strength: Record<string, string>;
  review: string;
}
export interface CatalogueSign {
  code: string;
  kind: string;
  name: LocalText;
  explanation: LocalText;
  maps_to: string[] | null;
}
export interface IndicatorCatalogue {
  version: number;
  lists: { code: string; age_group: string; name: LocalText }[];
  dimensions: { code: string; role: string; name: LocalText; explanation: LocalText }[];
  indicators: CatalogueIndicator[];
  signs: CatalogueSign[];
}
export const getIndicators = (c: ApiClient = api) => c.get<IndicatorCatalogue>('/indicators');

// --- scenarios --------------------------------------------------------------------------------

/** An evidence passage: code-point offsets into the narrative, and the text they cover. */
export interface EvidencePassage {
  indicator: string;
  start: number;
  end: number;
  quote: string;
}

export interface ScenarioInput {
  course_id?: number;
  version?: number;
  title: LocalText;
  age_group: 'adult' | 'child';
  exploitation: 'labour' | 'sexual';
  professions: string[];
  content_warning: LocalText;
  narrative: LocalText;
  present: string[];
  evidence: { sr: EvidencePassage[]; en: EvidencePassage[] };
}

export interface Scenario extends ScenarioInput {
  id: number;
  course_id: number;
  version: number;
  list: string;
  updated_at: string;
}

export const listScenarios = (courseId: number, c: ApiClient = api) =>
  c.get<Page<Scenario>>('/scenarios', { query: { course_id: courseId, limit: 100 } });
export const getScenario = (scenarioId: number, c: ApiClient = api) => c.get<Scenario>(`/scenarios/${id(scenarioId)}`);
export const createScenario = (input: ScenarioInput, c: ApiClient = api) => c.post<Scenario>('/scenarios', input);
export const updateScenario = (scenarioId: number, input: ScenarioInput, c: ApiClient = api) =>
  c.put<Scenario>(`/scenarios/${id(scenarioId)}`, input);

// --- questions --------------------------------------------------------------------------------

export const questionTypes = [
  'indicator_identification',
  'case_assessment',
  'single_choice',
  'multiple_choice',
  'true_false',
  'ordering',
  'matching',
] as const;
export type QuestionType = (typeof questionTypes)[number];

export interface ChoiceOption {
  id: string;
  text: LocalText;
  fraction: number;
  feedback: LocalText;
}

export interface QuestionContent {
  type: QuestionType;
  title?: string;
  stem: LocalText;
  general_feedback?: LocalText;
  scenario_id?: number;
  distractors?: string[];
  critical?: string[];
  critical_cap?: number;
  false_alarm_weight?: number;
  outcome_share?: number;
  options?: ChoiceOption[];
  answer?: boolean;
  feedback_true?: LocalText;
  feedback_false?: LocalText;
  items?: { id: string; text: LocalText }[];
  pairs?: { left: string; right: string }[];
  extra_rights?: string[];
}

export interface QuestionInput {
  course_id?: number;
  version?: number;
  category_id: number | null;
  tags: string[];
  external_id?: string;
  content: QuestionContent;
}

export interface Question extends QuestionInput {
  id: number;
  course_id: number;
  version: number;
  scenario?: Scenario;
  updated_at: string;
}

export interface Category {
  id: number;
  course_id: number;
  name: string;
}

export const listQuestions = (courseId: number, c: ApiClient = api) =>
  c.get<Page<Question>>('/questions', { query: { course_id: courseId, limit: 100 } });
export const getQuestion = (questionId: number, c: ApiClient = api) => c.get<Question>(`/questions/${id(questionId)}`);
export const createQuestion = (input: QuestionInput, c: ApiClient = api) => c.post<Question>('/questions', input);
export const updateQuestion = (questionId: number, input: QuestionInput, c: ApiClient = api) =>
  c.put<Question>(`/questions/${id(questionId)}`, input);
export const listCategories = (courseId: number, c: ApiClient = api) =>
  c.get<Page<Category>>('/question-categories', { query: { course_id: courseId } });
export const createCategory = (courseId: number, name: string, c: ApiClient = api) =>
  c.post<Category>('/question-categories', { course_id: courseId, name });

// --- GIFT ------------------------------------------------------------------------------------

export interface GiftPreview {
  questions: {
    type: string;
    title: string;
    id: string;
    tags: string[];
    category: string;
    stem: { text: string; format: string };
    options: { text: string; fraction: number; feedback: string }[];
    pairs: { left: string; right: string }[];
    general_feedback: string;
    line?: number;
    graded?: boolean;
    not_graded?: string;
  }[];
  errors: { line: number; message: string }[];
}

export interface GiftImportReport {
  preview: boolean;
  imported: { line: number; type: string; title: string; external_id?: string; category?: string; action: string; question_id?: number }[];
  skipped: { line: number; gift_type: string; title: string; reason: string }[];
  errors: { line: number; message: string }[];
}

const plain = (text: string) => new Blob([text], { type: 'text/plain; charset=utf-8' });
export const giftPreview = (text: string, c: ApiClient = api) => c.post<GiftPreview>('/gift/preview', plain(text));
export const giftImport = (courseId: number, text: string, lang: 'sr' | 'en', preview: boolean, c: ApiClient = api) =>
  c.post<GiftImportReport>('/question-imports', plain(text), { query: { course_id: courseId, lang, preview: preview ? 'true' : undefined } });

// --- quizzes ---------------------------------------------------------------------------------

export interface QuizSettings {
  title: LocalText;
  description: LocalText;
  pass_mark: number;
  attempts_allowed: number;
  grading_method: 'highest' | 'last' | 'first' | 'average';
  time_limit_seconds: number;
  open_at: string | null;
  close_at: string | null;
  shuffle_questions: boolean;
  shuffle_options: boolean;
  feedback_timing: 'after_each' | 'after_submit';
  review?: { marks?: string; feedback?: string; right_answers?: string };
  overall_feedback?: { min_score: number; text: LocalText }[];
}

export interface QuizSlot {
  question_id?: number;
  category_id?: number;
  tag?: string;
  count?: number;
  points: number;
}

export interface Quiz {
  id: number;
  course_id: number;
  module_id: number;
  title: LocalText;
  settings: QuizSettings | null;
  publication: { number: number; catalogue_version: number; published_at: string; questions: number } | null;
  draft?: { version: number; settings: QuizSettings; slots: QuizSlot[]; updated_at: string };
}

export const listQuizzes = (courseId: number, c: ApiClient = api) => c.get<Page<Quiz>>('/quizzes', { query: { course_id: courseId } });
export const getQuiz = (quizId: number, c: ApiClient = api) => c.get<Quiz>(`/quizzes/${id(quizId)}`);
export const createQuiz = (moduleId: number, settings: QuizSettings, slots: QuizSlot[], c: ApiClient = api) =>
  c.post<Quiz>('/quizzes', { module_id: moduleId, settings, slots });
export const updateQuiz = (quizId: number, version: number, settings: QuizSettings, slots: QuizSlot[], c: ApiClient = api) =>
  c.put<Quiz>(`/quizzes/${id(quizId)}`, { version, settings, slots });
export const publishQuiz = (quizId: number, c: ApiClient = api) => c.post<Quiz>(`/quizzes/${id(quizId)}/publish`);

// --- errors ----------------------------------------------------------------------------------

/** Whether err is the server's "someone else changed this" answer to an optimistic write. */
export const isConflict = (err: unknown) => err instanceof ApiError && err.code === 'version_conflict';

/** A problem of an authoring call in the user's language (authoring codes first). */
export function authorProblem(err: unknown): string {
  if (err instanceof ApiError) {
    const key = `author.problem.${err.code}`;
    if (hasMessage(key)) return t(key);
  }
  return problemMessage(err);
}

/** A course import that the server refused with a list of problems (file and line each). */
export class ImportFailed extends Error {
  constructor(readonly problems: ImportProblemLine[]) {
    super('import_failed');
  }
}

/**
 * Imports a course zip. The 422 answer carries `problems`, which the generic client does not
 * keep, so this call reads the answer itself.
 */
export async function importCourseFile(zip: Blob, update: boolean, doFetch: typeof fetch = (i, init) => fetch(i, init)): Promise<CourseDraft> {
  const res = await doFetch(`/api/v1/courses/import${update ? '?update=true' : ''}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/zip', Accept: 'application/json, application/problem+json' },
    body: zip,
  });
  if (res.status === 422) {
    const body = (await res.json().catch(() => ({}))) as { code?: string; problems?: ImportProblemLine[]; detail?: string };
    if (body.code === 'import_failed' && Array.isArray(body.problems)) throw new ImportFailed(body.problems);
    throw new ApiError({ status: 422, code: body.code ?? 'http_422', detail: body.detail ?? '' });
  }
  if (res.status === 401) {
    // Let the generic client renew the session and retry once.
    return importCourse(zip, update);
  }
  if (!res.ok) throw await readProblem(res);
  return (await res.json()) as CourseDraft;
}

/** A content text in the reader's language and script (English falls back to Serbian). */
export function localText(x: LocalText, locale: string): string {
  if (locale === 'en' && x.en) return x.en;
  const sr = x.sr || x.en;
  return locale === 'sr-Latn' ? toLatin(sr) : sr;
}

/**
 * The language of what localText(x, locale) shows, for its lang attribute: a text missing in
 * English shows the Serbian one, which a screen reader must read as Serbian.
 */
export function localLang(x: LocalText, locale: string): string {
  if ((locale === 'en' && x.en) || (!x.sr && x.en)) return 'en';
  if (!x.sr) return locale;
  return locale === 'sr-Latn' ? 'sr-Latn' : serbianTag(x.sr);
}

/**
 * An API error split into the messages of the fields the form shows (shown says which) and one
 * for the form, which also carries the field errors the form has no place for.
 */
export function describeFor(err: unknown, shown: (field: string) => boolean): ErrorView {
  const fields = err instanceof ApiError ? err.errors.map((e) => e.field).filter(shown) : [];
  const view = describeError(err, { fields });
  if (err instanceof ApiError && hasMessage(`author.problem.${err.code}`)) view.form = authorProblem(err);
  return view;
}

const pairFields = (name: string) => [name, `${name}.sr`, `${name}.en`];

/** The fields the course form shows. */
export const courseFields = new Set([
  ...pairFields('title'),
  ...pairFields('summary'),
  'slug',
  'professions',
  'level',
  'hours',
  'validity_months',
  'completion.min_attended_hours',
]);

/** The fields the scenario form shows. */
export const scenarioFields = new Set([
  ...pairFields('title'),
  ...pairFields('content_warning'),
  ...pairFields('narrative'),
  'age_group',
  'exploitation',
  'professions',
  'present',
  'evidence.sr',
  'evidence.en',
]);

/** Whether the question form shows an error of this field. */
export function questionFieldShown(f: string): boolean {
  return (
    /^content\.(stem|general_feedback|feedback_true|feedback_false|options\.\d+\.(text|feedback)|items\.\d+\.text)(\.(sr|en))?$/.test(f) ||
    ['content', 'content.type', 'content.title', 'content.scenario_id', 'content.critical', 'content.distractors', 'content.options', 'content.pairs', 'content.answer', 'category_id', 'tags'].includes(f)
  );
}
