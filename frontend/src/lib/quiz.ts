import { api, ApiError, type ApiClient } from './api';
import { problemMessage } from './errors';
import { hasMessage, t, type Locale, type MessageKey } from './i18n';
import { serbianTag, toLatin } from './translit';

// The quiz API for learners (quiz/openapi.yaml): quizzes, attempts, answers, review, and the
// indicator catalogue. Types as the server sends them; one function per call, the client last so
// that tests can hand in a fake one.

/** Text in both platform languages; Serbian is stored in Cyrillic. */
export interface Text {
  sr: string;
  en: string;
}

export type QuestionType =
  | 'indicator_identification'
  | 'case_assessment'
  | 'single_choice'
  | 'multiple_choice'
  | 'true_false'
  | 'ordering'
  | 'matching';

export type Outcome = 'trafficking' | 'exploitation' | 'insufficient';
export type ShowWhen = 'after_submit' | 'after_close' | 'never';
export type FeedbackTiming = 'after_each' | 'after_submit';
export type GradingMethod = 'highest' | 'last' | 'first' | 'average';
export type Strength = 'strong' | 'medium' | 'weak';

export interface QuizSettings {
  title: Text;
  description: Text;
  pass_mark: number;
  attempts_allowed: number;
  grading_method: GradingMethod;
  time_limit_seconds: number;
  open_at: string | null;
  close_at: string | null;
  shuffle_questions: boolean;
  shuffle_options: boolean;
  feedback_timing: FeedbackTiming;
  review: { marks: ShowWhen; feedback: ShowWhen; right_answers: ShowWhen };
  overall_feedback: { min_score: number; text: Text }[];
}

export interface AttemptSummary {
  id: number;
  quiz_id: number;
  user_id: number;
  number: number;
  state: 'open' | 'submitted';
  started_at: string;
  deadline: string | null;
  submitted_at: string | null;
  auto_submitted: boolean;
  score: number | null;
  passed: boolean | null;
}

/** Why a learner cannot start an attempt. */
export type StartReason = 'quiz_not_open' | 'quiz_closed' | 'no_attempts_left' | 'not_enrolled';

export interface MyStanding {
  attempts: AttemptSummary[];
  grade: number | null;
  passed: boolean | null;
  attempts_left: number | null;
  can_start: boolean;
  reason?: StartReason;
}

export interface QuizView {
  id: number;
  course_id: number;
  module_id: number;
  title: Text;
  settings: QuizSettings | null;
  publication: { number: number; catalogue_version: number; published_at: string; questions: number } | null;
  me?: MyStanding;
}

export interface Choice {
  id: string;
  text: string;
}

export interface ScenarioView {
  title: string;
  age_group: 'adult' | 'child';
  exploitation: string;
  list: string;
  content_warning: string;
  narrative_html: string;
}

export interface MatchPair {
  left: string;
  right: string;
}

/** A learner's answer; only the fields of the question's type are set. */
export interface Answer {
  selected?: string[];
  outcome?: Outcome;
  positive_dimensions?: string[];
  answer?: boolean;
  order?: string[];
  pairs?: MatchPair[];
}

export interface Reason {
  key: string;
  text: string;
  params?: Record<string, string>;
}

export interface EvidencePassage {
  indicator: string;
  start: number;
  end: number;
  quote: string;
}

export type IdentificationOutcome = 'found' | 'missed' | 'false_alarm' | 'correctly_left_out';

export interface IndicatorMark {
  code: string;
  outcome: IdentificationOutcome;
  critical?: boolean;
  evidence?: EvidencePassage[];
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
  threshold?: Text;
  met?: string[];
  reason: Reason;
}

export interface Assessment {
  list: string;
  age_group: string;
  dimensions: DimensionResult[];
  outcome: Outcome;
  explanation: Reason;
  counted: CountedIndicator[];
  uncounted?: string[];
}

export interface Mark {
  fraction: number;
  options?: { id: string; selected: boolean; fraction: number; correct: boolean; feedback?: string }[];
  identification?: {
    indicators: IndicatorMark[];
    hits: number;
    misses: number;
    false_alarms: number;
    correctly_left_out: number;
    hit_rate: number;
    false_alarm_rate: number;
    false_alarm_weight: number;
    critical_missed?: string[];
    capped: boolean;
    cap: number;
  };
  case?: {
    expected: Assessment;
    given_outcome: Outcome | '';
    outcome_correct: boolean;
    outcome_share: number;
    dimensions: { code: string; expected: boolean; given: boolean; correct: boolean; reason: Reason }[];
  };
  order?: {
    items: { id: string; position: number; expected: number; in_place: boolean }[] | null;
    concordant: number;
    pairs: number;
  };
  matches?: { left: string; given?: string; expected: string; correct: boolean; left_text?: string; given_text?: string; expected_text?: string }[];
}

export interface QuestionFeedback {
  general: string;
  options?: Choice[];
  identified?: { code: string; found: boolean }[];
  outcome_correct?: boolean;
}

export interface AttemptQuestion {
  position: number;
  question_id: number;
  version: number;
  type: QuestionType | 'unavailable';
  title: string;
  stem_html: string;
  points: number;
  scenario?: ScenarioView;
  choices?: Choice[];
  lefts?: Choice[];
  rights?: Choice[];
  dimensions?: Choice[];
  outcomes?: Outcome[];
  response: Answer | null;
  saved_at: string | null;
  locked: boolean;
  fraction?: number;
  feedback?: QuestionFeedback;
  solution?: { mark: Mark; narrative_html?: string };
}

export interface AttemptView {
  id: number;
  quiz_id: number;
  course_id: number;
  user_id: number;
  number: number;
  state: 'open' | 'submitted';
  lang: 'sr' | 'en';
  started_at: string;
  deadline: string | null;
  submitted_at: string | null;
  auto_submitted: boolean;
  feedback_timing: FeedbackTiming;
  catalogue_version: number;
  max_points: number;
  score: number | null;
  points: number | null;
  passed: boolean | null;
  pass_mark: number | null;
  overall_feedback: string | null;
  review: { marks: boolean; feedback: boolean; right_answers: boolean };
  questions: AttemptQuestion[];
}

export interface CatalogueEntry {
  code: string;
  name: Text;
  explanation: Text;
}

export interface Catalogue {
  version: number;
  lists: { code: string; age_group: string; name: Text }[];
  dimensions: (CatalogueEntry & { role: string })[];
  indicators: (CatalogueEntry & { dimension: string; strength: Record<string, Strength> })[];
  signs: (CatalogueEntry & { kind: string; maps_to: string[] })[];
}

const path = (n: number) => encodeURIComponent(String(n));

export function getQuiz(id: number, client: ApiClient = api): Promise<QuizView> {
  return client.get<QuizView>(`/quizzes/${path(id)}`);
}

/** Starts an attempt, or continues the learner's open one. */
export function startAttempt(quizId: number, client: ApiClient = api): Promise<AttemptView> {
  return client.post<AttemptView>(`/quizzes/${path(quizId)}/attempts`);
}

export function getAttempt(id: number, client: ApiClient = api): Promise<AttemptView> {
  return client.get<AttemptView>(`/attempts/${path(id)}`);
}

/** Saves the answer at position (1-based); saving the same answer again changes nothing. */
export function saveAnswer(attemptId: number, position: number, answer: Answer, client: ApiClient = api): Promise<AttemptQuestion> {
  return client.put<AttemptQuestion>(`/attempts/${path(attemptId)}/answers/${path(position)}`, answer);
}

/** Submits the attempt; submitting again returns the same result. */
export function submitAttempt(id: number, client: ApiClient = api): Promise<AttemptView> {
  return client.post<AttemptView>(`/attempts/${path(id)}/submit`);
}

// The catalogue is the same for everyone and changes rarely: one fetch per version per page load.
const catalogues = new Map<number, Promise<Catalogue>>();

/** The indicator catalogue (a version, or the current one with 0), kept in memory. */
export function getCatalogue(version = 0, client: ApiClient = api): Promise<Catalogue> {
  let p = catalogues.get(version);
  if (!p) {
    p = client.get<Catalogue>('/indicators', version > 0 ? { query: { version } } : {});
    p.catch(() => catalogues.delete(version));
    catalogues.set(version, p);
  }
  return p;
}

/** Forgets the cached catalogues (tests). */
export function clearCatalogueCache(): void {
  catalogues.clear();
}

// --- helpers -------------------------------------------------------------------------------

/** Shows a catalogue or quiz text in the content's language, in the UI's script. */
export function localText(text: Text | undefined, lang: 'sr' | 'en', locale: Locale): string {
  if (!text) return '';
  const s = lang === 'en' ? text.en || text.sr : text.sr || text.en;
  return lang === 'sr' && locale === 'sr-Latn' ? toLatin(s) : s;
}

/** The content language for a UI locale. */
export function contentLang(locale: Locale): 'sr' | 'en' {
  return locale === 'en' ? 'en' : 'sr';
}

/** The lang attribute for content the server rendered in lang (Serbian in either script). */
export function contentLangTag(lang: 'sr' | 'en', sample: string): string {
  return lang === 'en' ? 'en' : serbianTag(sample);
}

/** What an indicator or sign code means, for the learner's help while answering. */
export interface CodeInfo {
  name: string;
  explanation: string;
}

export function codeInfo(cat: Catalogue | null, lang: 'sr' | 'en', locale: Locale): Map<string, CodeInfo> {
  const out = new Map<string, CodeInfo>();
  if (!cat) return out;
  for (const e of [...cat.dimensions, ...cat.indicators, ...cat.signs]) {
    out.set(e.code, { name: localText(e.name, lang, locale), explanation: localText(e.explanation, lang, locale) });
  }
  return out;
}

/** Whether an answer says anything (an empty one counts as unanswered). */
export function isAnswered(a: Answer | null | undefined): boolean {
  if (!a) return false;
  return (
    (a.selected?.length ?? 0) > 0 ||
    !!a.outcome ||
    (a.positive_dimensions?.length ?? 0) > 0 ||
    a.answer !== undefined ||
    (a.order?.length ?? 0) > 0 ||
    (a.pairs?.length ?? 0) > 0
  );
}

/** The answer as the server stores it: fields in a fixed order, so equal answers compare equal. */
export function answerKey(a: Answer): string {
  return JSON.stringify([a.selected, a.outcome, a.positive_dimensions, a.answer, a.order, a.pairs]);
}

/** Seconds left until deadline at now (never negative), or null without a deadline. */
export function secondsLeft(deadline: string | null, now: number): number | null {
  if (!deadline) return null;
  return Math.max(0, Math.ceil((Date.parse(deadline) - now) / 1000));
}

/** Moments (seconds left) at which the countdown is announced, besides its start. */
export const countdownThresholds = [1800, 900, 600, 300, 120, 60, 30, 0] as const;

/** The threshold crossed going from before to after seconds left, or null. */
export function crossedThreshold(before: number | null, after: number): number | null {
  if (before === null) return null;
  for (const th of countdownThresholds) {
    if (before > th && after <= th) return th;
  }
  return null;
}

/** Splits seconds into hours, minutes and seconds for display. */
export function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0');
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** Moves the item at index by delta (±1), returning a new list; out-of-range moves return it unchanged. */
export function moveItem<T>(list: readonly T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return [...list];
  const out = [...list];
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item!);
  return out;
}

/** The codes an identification mark counts as truly present (found or missed). */
export function presentCodes(mark: Mark | undefined): string[] {
  return (mark?.identification?.indicators ?? []).filter((i) => i.outcome === 'found' || i.outcome === 'missed').map((i) => i.code);
}

/** Formats a 0..1 score as a percentage. */
export function percent(score: number): number {
  return Math.round(score * 1000) / 10;
}

/** How a passage is marked: evidence of an indicator found or missed, or just shown (no identification). */
export type EvidenceOutcome = 'found' | 'missed' | 'shown';

const escapeHTML = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Marks the evidence passages of a narrative the server highlighted (<mark data-tag="CODE">) as
 * found, missed or just shown: a class for the look, an id on each indicator's first passage (for links from
 * the feedback) and, for screen readers, the label said before the passage.
 */
export function markEvidence(
  html: string,
  outcome: (code: string) => EvidenceOutcome | undefined,
  label: (code: string, outcome: EvidenceOutcome) => string,
  idPrefix: string,
): string {
  const seen = new Set<string>();
  return html.replace(/<mark data-tag="([A-Za-z0-9_-]{1,64})">/g, (_whole, code: string) => {
    const o = outcome(code) ?? 'shown';
    const id = seen.has(code) ? '' : ` id="${idPrefix}-${code}"`;
    seen.add(code);
    return `<mark data-tag="${code}" class="ev ev-${o}"${id}><span class="visually-hidden">${escapeHTML(label(code, o))} </span>`;
  });
}

/** The id markEvidence gives the first passage of code. */
export function evidenceId(idPrefix: string, code: string): string {
  return `${idPrefix}-${code}`;
}

/** The groups of the case rule a failed outcome still needed, from a reason's "missing.<outcome>" param. */
export function missingGroups(value: string | undefined): Array<{ role: string } | { dimensions: string[] }> {
  if (!value) return [];
  return value
    .split(';')
    .map((g) => g.trim())
    .filter((g) => g !== '')
    .map((g) => {
      const role = /^an? ([a-z_-]+) dimension$/.exec(g);
      if (role) return { role: role[1]! };
      return { dimensions: g.split(/, | or /).map((d) => d.trim()).filter((d) => d !== '') };
    });
}

const quizProblems = new Set([
  'no_attempts_left',
  'quiz_closed',
  'quiz_not_open',
  'not_enrolled',
  'quiz_not_found',
  'quiz_not_published',
  'attempt_not_found',
  'attempt_submitted',
  'deadline_passed',
  'answer_locked',
  'invalid_response',
  'attempt_question_not_found',
]);

/** An API error of the quiz pages in the user's language. */
export function quizProblem(err: unknown): string {
  if (err instanceof ApiError && quizProblems.has(err.code) && hasMessage(`quiz.problem.${err.code}`)) {
    return t(`quiz.problem.${err.code}` as MessageKey);
  }
  return problemMessage(err);
}

/**
 * Whether Serbian content the server rendered is in the script the UI shows now (the server
 * writes Serbian in the script of the user's profile, which follows the language switcher a
 * moment later).
 */
export function scriptMatches(lang: 'sr' | 'en', sample: string, locale: Locale): boolean {
  if (lang === 'en' || locale === 'en' || !/\p{L}/u.test(sample)) return true;
  return contentLangTag(lang, sample) === locale;
}

/**
 * How far the server's clock is ahead of this computer's, in milliseconds, from the Date header
 * of a small request (whole seconds; 0 when it cannot be told or is under 2 s). Countdowns add
 * it to Date.now(), so that a station computer with a wrong clock still shows the server's
 * deadline right.
 */
export async function serverClockOffset(
  doFetch: typeof fetch = (input, init) => globalThis.fetch(input, init),
  now: () => number = Date.now,
): Promise<number> {
  try {
    const sent = now();
    const res = await doFetch('/healthz', { method: 'GET', cache: 'no-store', credentials: 'omit' });
    const got = now();
    const date = Date.parse(res.headers.get('Date') ?? '');
    if (Number.isNaN(date)) return 0;
    // The header is truncated to the second: compare with the middle of that second.
    const offset = date + 500 - (sent + got) / 2;
    return Math.abs(offset) < 2000 ? 0 : Math.round(offset);
  } catch {
    return 0;
  }
}
