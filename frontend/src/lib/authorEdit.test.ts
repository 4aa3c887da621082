import { describe, expect, it } from 'vitest';
import type { CourseDraft, CourseView, DraftModule } from './author';
import {
  codePointIndex,
  evidenceSegments,
  moveItem,
  nearestFraction,
  nextId,
  parseTags,
  passageFromSelection,
  passageHolds,
  planLessonDrop,
  planLessonMove,
  positiveSum,
  publishChanges,
  relocatePassages,
  slugify,
  utf16Index,
} from './authorEdit';

describe('evidence offsets', () => {
  const text = 'Ана 😀 је радила без плате.';

  it('counts code points as the server does', () => {
    expect(codePointIndex(text, 4)).toBe(4);
    expect(codePointIndex(text, 6)).toBe(5); // the emoji is two UTF-16 units, one code point
    expect(utf16Index(text, 5)).toBe(6);
    expect(utf16Index(text, codePointIndex(text, text.length))).toBe(text.length);
  });

  it('turns a selection into a passage without the white space at its ends', () => {
    const start = text.indexOf(' је');
    const end = text.indexOf('без') + 3;
    const p = passageFromSelection(text, start, end + 1, 'X');
    expect(p).toEqual({ indicator: 'X', start: 6, end: 19, quote: 'је радила без' });
    expect(passageHolds(text, p!)).toBe(true);
    expect(passageFromSelection(text, 3, 4, 'X')).toBeNull();
  });

  it('accepts a backwards selection', () => {
    expect(passageFromSelection('abc def', 7, 4, 'Y')?.quote).toBe('def');
  });

  it('moves passages whose quote moved, and reports the lost ones', () => {
    const old = 'Радила је без плате. Пасош јој је узет.';
    const a = passageFromSelection(old, old.indexOf('без плате'), old.indexOf('без плате') + 9, 'WAGES')!;
    const b = passageFromSelection(old, old.indexOf('Пасош'), old.indexOf('узет') + 4, 'DOCS')!;
    const edited = 'Увод. Радила је без плате. Пасош није узет.';
    const { kept, lost } = relocatePassages(edited, [a, b]);
    expect(lost).toEqual([b]);
    expect(kept).toHaveLength(1);
    expect(passageHolds(edited, kept[0]!)).toBe(true);
    expect(kept[0]!.start).toBe(a.start + 6);
  });
});

const lesson = (id: number, title = `L${id}`) => ({
  id,
  key: `l${id}`,
  version: 1,
  title: { sr: title, en: '' },
  reading_minutes: 5,
  content_warning: false,
  required: true,
  published: true,
});
const modules = (): DraftModule[] => [
  { id: 1, version: 3, title: { sr: 'М1', en: '' }, lessons: [lesson(10), lesson(11), lesson(12)] },
  { id: 2, version: 7, title: { sr: 'М2', en: '' }, lessons: [lesson(20)] },
];

describe('reordering', () => {
  it('moves items', () => {
    expect(moveItem([1, 2, 3], 0, 2)).toEqual([2, 3, 1]);
    expect(moveItem([1, 2, 3], 0, 5)).toEqual([1, 2, 3]);
  });

  it('plans keyboard moves within a module and to another one', () => {
    expect(planLessonMove(modules(), 11, 'up')).toEqual({ moduleId: 1, version: 3, lessonIds: [11, 10, 12] });
    expect(planLessonMove(modules(), 12, 'down')).toBeNull();
    expect(planLessonMove(modules(), 10, 'up')).toBeNull();
    expect(planLessonMove(modules(), 11, { toModule: 2 })).toEqual({ moduleId: 2, version: 7, lessonIds: [20, 11] });
    expect(planLessonMove(modules(), 11, { toModule: 1 })).toBeNull();
  });

  it('plans drops', () => {
    expect(planLessonDrop(modules(), 12, 1, 10)).toEqual({ moduleId: 1, version: 3, lessonIds: [12, 10, 11] });
    expect(planLessonDrop(modules(), 10, 2, null)).toEqual({ moduleId: 2, version: 7, lessonIds: [20, 10] });
    expect(planLessonDrop(modules(), 10, 1, 11)).toBeNull();
  });
});

const draft = (): CourseDraft => ({
  id: 5,
  slug: 'c',
  status: 'published',
  owner_id: 1,
  authors: [],
  people: [{ id: 1, full_name: 'Јелена Ђорђевић' }],
  version: 4,
  revision: 1,
  title: { sr: 'Наслов', en: '' },
  summary: { sr: 'Сажетак', en: '' },
  professions: ['police'],
  level: 'introductory',
  hours: 2,
  validity_months: 0,
  content_warning: false,
  self_enrol: true,
  completion: { min_attended_hours: 0, quizzes: [] },
  modules: modules(),
  published_at: null,
  updated_at: '',
});
const view = (d: CourseDraft): CourseView => ({
  id: d.id,
  slug: d.slug,
  status: 'published',
  revision: 1,
  locale: 'sr-Cyrl',
  title: d.title.sr,
  summary: d.summary.sr,
  professions: d.professions,
  languages: ['sr'],
  level: d.level,
  hours: d.hours,
  validity_months: d.validity_months,
  content_warning: d.content_warning,
  self_enrol: d.self_enrol,
  published_at: null,
  enrolled: false,
  editable: true,
  completion: d.completion,
  modules: d.modules.map((m) => ({ id: m.id, title: m.title.sr, lessons: m.lessons.map((l) => ({ ...l, title: l.title.sr })) })),
});

describe('publishChanges', () => {
  it('says a first publication is one', () => {
    expect(publishChanges(draft(), null, null)).toEqual([{ key: 'editor.change.first', params: { modules: 2, lessons: 4 } }]);
  });

  it('finds nothing when the draft is the published course', () => {
    const d = draft();
    expect(publishChanges(d, view(d), null)).toEqual([]);
  });

  it('lists what changed', () => {
    const d = draft();
    const pub = view(d);
    d.title.sr = 'Нови наслов';
    d.hours = 3;
    d.modules[0]!.lessons = [lesson(11), lesson(10, 'Преименована')];
    d.modules[1]!.lessons.push(lesson(12), lesson(30, 'Нова'));
    d.modules.push({ id: 3, version: 1, title: { sr: 'М3', en: '' }, lessons: [] });
    const keys = publishChanges(d, pub, null, new Set([11])).map((c) => c.key);
    expect(keys.slice(0, 2)).toEqual(['editor.change.title', 'editor.change.hours']);
    expect(keys).toContain('editor.change.moduleAdded');
    expect(keys).toContain('editor.change.lessonMoved');
    expect(keys).toContain('editor.change.lessonAdded');
    expect(keys).toContain('editor.change.lessonRenamed');
    expect(keys).toContain('editor.change.lessonText');
    expect(keys).toContain('editor.change.lessonOrder');
    expect(keys).not.toContain('editor.change.lessonRemoved');
  });

  it('lists removals', () => {
    const d = draft();
    const pub = view(d);
    d.modules = [d.modules[0]!];
    const keys = publishChanges(d, pub, null).map((c) => c.key);
    expect(keys).toEqual(['editor.change.moduleRemoved', 'editor.change.lessonRemoved']);
  });
});

describe('questions', () => {
  it('rounds fractions to the menu', () => {
    expect(nearestFraction(1 / 3)).toBe(33.33333);
    expect(nearestFraction(-1)).toBe(-100);
    expect(positiveSum([0.5, 0.5, -1])).toBe(1);
  });

  it('makes ids and tags', () => {
    expect(nextId('o', ['o1', 'o3'])).toBe('o2');
    expect(parseTags(' Рад, рад ,, дуг')).toEqual(['рад', 'дуг']);
  });
});

describe('evidenceSegments', () => {
  it('cuts the narrative at the passages, overlaps included', () => {
    const text = 'аб 😀 вгд';
    const segs = evidenceSegments(text, [
      { indicator: 'A', start: 0, end: 4, quote: 'аб 😀' },
      { indicator: 'B', start: 3, end: 8, quote: '😀 вгд' },
    ]);
    expect(segs).toEqual([
      { text: 'аб ', indicators: ['A'] },
      { text: '😀', indicators: ['A', 'B'] },
      { text: ' вгд', indicators: ['B'] },
    ]);
    expect(evidenceSegments('текст', [])).toEqual([{ text: 'текст', indicators: [] }]);
  });
});

describe('slugify', () => {
  it('makes a slug of a title in Latin script', () => {
    expect(slugify('Osnove trgovine ljudima: Đorđe i žrtve')).toBe('osnove-trgovine-ljudima-djordje-i-zrtve');
    expect(slugify('  Café 2026!  ')).toBe('cafe-2026');
    expect(slugify('')).toBe('');
  });
});
