import type { CourseDraft, CourseView, DraftModule, EvidencePassage } from './author';

// Pure helpers of the authoring pages: evidence offsets, reordering plans and the summary of
// what a publication changes. No API calls here, so that each is tested on its own.

// --- evidence offsets ---------------------------------------------------------------------------

/** The number of code points in the first `utf16` UTF-16 units of text (the server counts code points). */
export function codePointIndex(text: string, utf16: number): number {
  let n = 0;
  for (let i = 0; i < utf16 && i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The UTF-16 index of code point `cp` in text. */
export function utf16Index(text: string, cp: number): number {
  let i = 0;
  for (let n = 0; n < cp && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

/**
 * The evidence passage a selection (UTF-16 offsets, as a textarea gives them) covers, with the
 * white space at its ends left out; null when nothing but white space is selected.
 */
export function passageFromSelection(text: string, start: number, end: number, indicator: string): EvidencePassage | null {
  if (end < start) [start, end] = [end, start];
  start = Math.max(0, Math.min(start, text.length));
  end = Math.max(0, Math.min(end, text.length));
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (start === end) return null;
  return { indicator, start: codePointIndex(text, start), end: codePointIndex(text, end), quote: text.slice(start, end) };
}

/** Whether a passage still quotes the narrative exactly. */
export function passageHolds(text: string, p: EvidencePassage): boolean {
  const a = utf16Index(text, p.start);
  const b = utf16Index(text, p.end);
  return text.slice(a, b) === p.quote;
}

/**
 * After the narrative changed: each passage that no longer quotes it is moved to where its quote
 * now is (the occurrence nearest its old place), or reported lost.
 */
export function relocatePassages(text: string, passages: readonly EvidencePassage[]): { kept: EvidencePassage[]; lost: EvidencePassage[] } {
  const kept: EvidencePassage[] = [];
  const lost: EvidencePassage[] = [];
  for (const p of passages) {
    if (passageHolds(text, p)) {
      kept.push(p);
      continue;
    }
    const around = utf16Index(text, p.start);
    let best = -1;
    for (let i = text.indexOf(p.quote); i >= 0; i = text.indexOf(p.quote, i + 1)) {
      if (best < 0 || Math.abs(i - around) < Math.abs(best - around)) best = i;
    }
    if (best < 0 || p.quote === '') {
      lost.push(p);
      continue;
    }
    const start = codePointIndex(text, best);
    kept.push({ ...p, start, end: start + codePointIndex(p.quote, p.quote.length) });
  }
  return { kept, lost };
}

/** Whether two passages overlap (a passage may tag the same words for two indicators). */
export function sameSpan(a: EvidencePassage, b: EvidencePassage): boolean {
  return a.start === b.start && a.end === b.end && a.indicator === b.indicator;
}

// --- reordering -------------------------------------------------------------------------------

/** A copy of list with the item at `from` moved to `to`. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = list.slice();
  if (from < 0 || from >= out.length || to < 0 || to >= out.length || from === to) return out;
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item as T);
  return out;
}

/** One reorder call: the module, its version, and the lessons it lists in order. */
export interface LessonOrder {
  moduleId: number;
  version: number;
  lessonIds: number[];
}

/**
 * The reorder call that moves a lesson: up or down within its module, or to the end of another
 * module (the server moves a lesson listed in another module's order). null when it cannot move.
 */
export function planLessonMove(
  modules: readonly DraftModule[],
  lessonId: number,
  move: 'up' | 'down' | { toModule: number },
): LessonOrder | null {
  const from = modules.find((m) => m.lessons.some((l) => l.id === lessonId));
  if (!from) return null;
  const ids = from.lessons.map((l) => l.id);
  const i = ids.indexOf(lessonId);
  if (move === 'up' || move === 'down') {
    const j = move === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= ids.length) return null;
    return { moduleId: from.id, version: from.version, lessonIds: moveItem(ids, i, j) };
  }
  const to = modules.find((m) => m.id === move.toModule);
  if (!to || to.id === from.id) return null;
  return { moduleId: to.id, version: to.version, lessonIds: [...to.lessons.map((l) => l.id), lessonId] };
}

/** The reorder call that puts a dragged lesson before `beforeId` (or at the end) of a module. */
export function planLessonDrop(modules: readonly DraftModule[], lessonId: number, toModule: number, beforeId: number | null): LessonOrder | null {
  const to = modules.find((m) => m.id === toModule);
  if (!to) return null;
  const ids = to.lessons.map((l) => l.id).filter((x) => x !== lessonId);
  const at = beforeId === null ? ids.length : ids.indexOf(beforeId);
  ids.splice(at < 0 ? ids.length : at, 0, lessonId);
  const before = to.lessons.map((l) => l.id);
  if (before.length === ids.length && before.every((x, k) => x === ids[k])) return null;
  return { moduleId: to.id, version: to.version, lessonIds: ids };
}

// --- what a publication changes --------------------------------------------------------------

export interface Change {
  /** A message key under editor.change. */
  key: string;
  params?: Record<string, string | number>;
}

const enOr = (en: string, sr: string) => (en !== '' ? en : sr);

/**
 * What publishing the draft changes for learners, from the draft and the published course (in
 * Serbian and, when it was published in English, in English). changedBodies are the lessons whose
 * text differs from the published one (found by comparing their HTML).
 */
export function publishChanges(
  draft: CourseDraft,
  pubSr: CourseView | null,
  pubEn: CourseView | null,
  changedBodies: ReadonlySet<number> = new Set(),
): Change[] {
  const lessons = draft.modules.flatMap((m) => m.lessons);
  if (!pubSr) {
    return [{ key: 'editor.change.first', params: { modules: draft.modules.length, lessons: lessons.length } }];
  }
  const out: Change[] = [];
  const add = (key: string, params?: Record<string, string | number>) => out.push(params ? { key, params } : { key });
  if (draft.title.sr !== pubSr.title) add('editor.change.title', { from: pubSr.title, to: draft.title.sr });
  if (pubEn && pubEn.locale === 'en' && enOr(draft.title.en, draft.title.sr) !== pubEn.title) {
    add('editor.change.titleEn', { from: pubEn.title, to: enOr(draft.title.en, draft.title.sr) });
  }
  if (!pubEn || pubEn.locale !== 'en') {
    if (draft.title.en !== '') add('editor.change.english');
  }
  if (draft.summary.sr !== pubSr.summary) add('editor.change.summary');
  if ([...draft.professions].sort().join() !== [...pubSr.professions].sort().join()) add('editor.change.professions');
  if (draft.level !== pubSr.level) add('editor.change.level');
  if (draft.hours !== pubSr.hours) add('editor.change.hours', { from: pubSr.hours, to: draft.hours });
  if (draft.validity_months !== pubSr.validity_months) add('editor.change.validity', { from: pubSr.validity_months, to: draft.validity_months });
  if (draft.content_warning !== pubSr.content_warning) add(draft.content_warning ? 'editor.change.warningOn' : 'editor.change.warningOff');
  if (draft.self_enrol !== pubSr.self_enrol) add('editor.change.selfEnrol');
  if (
    draft.completion.min_attended_hours !== pubSr.completion.min_attended_hours ||
    JSON.stringify(draft.completion.quizzes) !== JSON.stringify(pubSr.completion.quizzes)
  ) {
    add('editor.change.completion');
  }

  const pubModules = new Map(pubSr.modules.map((m, i) => [m.id, { ...m, index: i }]));
  const draftModules = new Set(draft.modules.map((m) => m.id));
  for (const m of pubSr.modules) if (!draftModules.has(m.id)) add('editor.change.moduleRemoved', { title: m.title });
  const keptPub = pubSr.modules.filter((m) => draftModules.has(m.id)).map((m) => m.id);
  const keptDraft = draft.modules.filter((m) => pubModules.has(m.id)).map((m) => m.id);
  if (keptPub.join() !== keptDraft.join()) add('editor.change.moduleOrder');
  for (const m of draft.modules) {
    const p = pubModules.get(m.id);
    if (!p) add('editor.change.moduleAdded', { title: m.title.sr });
    else if (p.title !== m.title.sr) add('editor.change.moduleRenamed', { from: p.title, to: m.title.sr });
  }

  const pubLessons = new Map<number, { title: string; module: number; index: number; reading_minutes: number; content_warning: boolean; required: boolean }>();
  for (const m of pubSr.modules) m.lessons.forEach((l, i) => pubLessons.set(l.id, { ...l, module: m.id, index: i }));
  const draftLessons = new Set(lessons.map((l) => l.id));
  for (const [lid, l] of pubLessons) if (!draftLessons.has(lid)) add('editor.change.lessonRemoved', { title: l.title });
  for (const m of draft.modules) {
    const keptOrder = m.lessons.filter((l) => pubLessons.get(l.id)?.module === m.id).map((l) => l.id);
    const pubOrder = [...pubLessons.entries()].filter(([, l]) => l.module === m.id).sort((a, b) => a[1].index - b[1].index).map(([lid]) => lid).filter((lid) => keptOrder.includes(lid));
    if (keptOrder.join() !== pubOrder.join()) add('editor.change.lessonOrder', { module: m.title.sr });
    for (const l of m.lessons) {
      const p = pubLessons.get(l.id);
      if (!p) {
        add('editor.change.lessonAdded', { title: l.title.sr });
        continue;
      }
      if (p.module !== m.id) add('editor.change.lessonMoved', { title: l.title.sr, module: m.title.sr });
      if (p.title !== l.title.sr) add('editor.change.lessonRenamed', { from: p.title, to: l.title.sr });
      if (changedBodies.has(l.id)) add('editor.change.lessonText', { title: l.title.sr });
      if (p.reading_minutes !== l.reading_minutes || p.content_warning !== l.content_warning || p.required !== l.required) {
        add('editor.change.lessonSettings', { title: l.title.sr });
      }
    }
  }
  return out;
}

// --- questions ----------------------------------------------------------------------------

/** Moodle's fractions, as percentages, for the fraction menus of choice options. */
export const fractionChoices = [100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0,
  -5, -10, -11.11111, -12.5, -14.28571, -16.66667, -20, -25, -30, -33.33333, -40, -50, -60, -66.66667, -70, -75, -80, -83.33333, -90, -100];

/** The menu value nearest a stored fraction (−1..1). */
export function nearestFraction(f: number): number {
  let best = 0;
  for (const c of fractionChoices) if (Math.abs(c / 100 - f) < Math.abs(best / 100 - f)) best = c;
  return best;
}

/** The sum of the positive fractions of a multiple-choice question, which must be 1. */
export function positiveSum(fractions: readonly number[]): number {
  return fractions.reduce((s, f) => (f > 0 ? s + f : s), 0);
}

/** A fresh id for a new option or item: o1, o2... not yet taken. */
export function nextId(prefix: string, taken: readonly string[]): string {
  for (let i = 1; ; i++) if (!taken.includes(`${prefix}${i}`)) return `${prefix}${i}`;
}

/** Splits a comma-separated list of tags (trimmed, lower case, no duplicates). */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim().toLowerCase();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** A stretch of the narrative and the indicators whose evidence covers it (none: plain text). */
export interface Segment {
  text: string;
  indicators: string[];
}

/** The narrative cut where evidence passages start and end, for showing them highlighted. */
export function evidenceSegments(text: string, passages: readonly EvidencePassage[]): Segment[] {
  const cps = Array.from(text);
  const cuts = new Set<number>([0, cps.length]);
  for (const p of passages) {
    if (p.start >= 0 && p.end <= cps.length && p.start < p.end) {
      cuts.add(p.start);
      cuts.add(p.end);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const indicators = passages.filter((p) => p.start <= a && p.end >= b && p.start < p.end).map((p) => p.indicator);
    out.push({ text: cps.slice(a, b).join(''), indicators: [...new Set(indicators)] });
  }
  return out;
}

const slugFold: Record<string, string> = { č: 'c', ć: 'c', đ: 'dj', š: 's', ž: 'z' };

/** A slug suggested by a title: Latin letters without diacritics, digits and single hyphens. */
export function slugify(latinTitle: string): string {
  const s = latinTitle
    .toLowerCase()
    .replace(/[čćđšž]/g, (c) => slugFold[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 80).replace(/-+$/, '');
}
