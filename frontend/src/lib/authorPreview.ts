import { localText, type IndicatorCatalogue, type LocalText, type QuestionContent, type Scenario } from './author';
import { api, type ApiClient } from './api';
import type { Answer, AttemptQuestion, Choice, CodeInfo, Outcome, ScenarioView } from './quiz';

// The author's preview of a question: the editor's content (authoring shape) turned into the
// question as the attempt API serves it (quiz/attempt_view.go), so that the learners' own
// components can show it. Pure: no API calls, no randomness.
//
// What differs from a learner's attempt, on purpose:
// - Markdown (the stem, the case narrative) is shown escaped until POST /markdown/render answers
//   with the server's sanitised rendering (withRendered), and stays escaped if it fails: nothing
//   the author types goes into the page as HTML without the server's sanitiser.
// - Where the server shuffles (ordering items always; options, candidates and matching choices
//   when the quiz shuffles options), the preview uses one fixed order: a fixed shuffle for
//   ordering items, the server's unshuffled order for the rest.

/** Question content with the matching texts the server keeps per item id (quiz/questions.go). */
export type PreviewContent = QuestionContent & { match_texts?: Record<string, LocalText> };

/** The content language of a UI locale. */
export const previewLang = (locale: string): 'sr' | 'en' => (locale === 'en' ? 'en' : 'sr');

/** A text in lang as the server picks it (quiz Text.In): the other language when it is empty. */
export function inLang(x: LocalText | undefined, lang: 'sr' | 'en'): string {
  if (!x) return '';
  return lang === 'en' ? x.en || x.sr : x.sr || x.en;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Plain text as HTML: escaped, blank lines make paragraphs, single newlines line breaks. */
export function textHTML(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${p.replace(/[&<>"']/g, (c) => escapes[c]!).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** Byte-order comparison, as Go's strings.Compare and slices.Sort. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A small seeded generator (mulberry32), so that the preview's shuffle stays the same. */
function generator(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The order in which the preview shows ordering items given in the right order: shuffled as the
 * server does (never the right order when there are two or more), but always the same for the
 * same ids, so that the preview does not jump while the author types.
 */
export function previewShuffle(right: readonly string[]): string[] {
  const out = [...right];
  if (out.length < 2) return out;
  const next = generator(right.join('\u0000'));
  for (let attempt = 0; attempt < 10 && out.every((id, i) => id === right[i]); attempt++) {
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
  }
  // The server gives up after ten tries; the preview need not show the answer either.
  if (out.every((id, i) => id === right[i])) out.push(out.shift()!);
  return out;
}

/** What a blank part is called in the preview (an empty label would leave a control unnamed). */
export interface Blanks {
  stem: () => string;
  option: (n: number) => string;
  item: (n: number) => string;
  left: (n: number) => string;
}

export interface PreviewInput {
  scenario: Scenario | null;
  catalogue: IndicatorCatalogue | null;
  /** The locale the preview shows: sr-Cyrl, sr-Latn or en. */
  locale: string;
  blanks?: Partial<Blanks>;
}

const defaultBlanks: Blanks = { stem: () => '', option: () => '', item: () => '', left: () => '' };

/** The name of an indicator or sign code in the locale, or the code itself. */
function codeName(catalogue: IndicatorCatalogue | null, code: string, locale: string): string {
  const x = catalogue?.indicators.find((i) => i.code === code) ?? catalogue?.signs.find((s) => s.code === code);
  return x ? localText(x.name, locale) : code;
}

/** The case as the attempt shows it, its narrative as escaped text. */
export function previewScenario(sc: Scenario, locale: string): ScenarioView {
  return {
    title: localText(sc.title, locale),
    age_group: sc.age_group,
    exploitation: sc.exploitation,
    list: sc.list,
    content_warning: localText(sc.content_warning, locale),
    narrative_html: textHTML(localText(sc.narrative, locale)),
  };
}

const outcomes: Outcome[] = ['trafficking', 'exploitation', 'insufficient'];

/** The editor's content as the attempt API would serve it to a learner reading in locale. */
export function toAttemptQuestion(content: PreviewContent, input: PreviewInput): AttemptQuestion {
  const { scenario, catalogue, locale } = input;
  const blanks = { ...defaultBlanks, ...input.blanks };
  const lang = previewLang(locale);
  const stem = localText(content.stem, locale);
  const q: AttemptQuestion = {
    position: 1,
    question_id: 0,
    version: 0,
    type: content.type,
    title: content.title ?? '',
    stem_html: textHTML(stem) || textHTML(blanks.stem()),
    points: 1,
    response: null,
    saved_at: null,
    locked: false,
  };
  const needsScenario = content.type === 'indicator_identification' || content.type === 'case_assessment';
  if (needsScenario && scenario) q.scenario = previewScenario(scenario, locale);

  switch (content.type) {
    case 'indicator_identification': {
      // Present then distractors, sorted by code (the server shuffles them too when the quiz
      // shuffles options).
      const codes = scenario ? [...new Set([...scenario.present, ...(content.distractors ?? [])])].sort(compare) : [];
      q.choices = codes.map((code) => ({ id: code, text: codeName(catalogue, code, locale) }));
      break;
    }
    case 'case_assessment':
      q.dimensions = (catalogue?.dimensions ?? []).map((d) => ({ id: d.code, text: localText(d.name, locale) }));
      q.outcomes = [...outcomes];
      break;
    case 'single_choice':
    case 'multiple_choice':
      q.choices = unique(content.options ?? []).map((o, i) => ({ id: o.id, text: localText(o.text, locale) || blanks.option(i + 1) }));
      break;
    case 'ordering': {
      const items = unique(content.items ?? []);
      const text = new Map(items.map((it, i) => [it.id, localText(it.text, locale) || blanks.item(i + 1)]));
      q.choices = previewShuffle(items.map((it) => it.id)).map((id) => ({ id, text: text.get(id)! }));
      break;
    }
    case 'matching': {
      const texts = content.match_texts ?? {};
      const show = (id: string): string => {
        const own = texts[id];
        if (own) return localText(own, locale);
        const name = codeName(catalogue, id, locale);
        return name === id ? id : `${id}: ${name}`;
      };
      const pairs = (content.pairs ?? []).map((p) => ({ left: p.left.trim(), right: p.right.trim() }));
      const lefts: Choice[] = [];
      pairs.forEach((p, i) => {
        if (p.left !== '' && !lefts.some((l) => l.id === p.left)) lefts.push({ id: p.left, text: show(p.left) || blanks.left(i + 1) });
      });
      const rights: string[] = [];
      for (const r of [...pairs.map((p) => p.right), ...(content.extra_rights ?? []).map((r) => r.trim())]) {
        if (r !== '' && !rights.includes(r)) rights.push(r);
      }
      // Sorted by their own text in the language (not the script), else by id, as the server does.
      const key = (id: string) => (texts[id] ? inLang(texts[id], lang) : id);
      rights.sort((a, b) => compare(key(a), key(b)));
      q.lefts = lefts;
      q.rights = rights.map((id) => ({ id, text: show(id) }));
      break;
    }
  }
  return q;
}

/** Keeps the first of each id (the editor may briefly hold two). */
function unique<T extends { id: string }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)));
}

/** The catalogue's names and explanations, for the candidates' "about" disclosures. */
export function previewInfo(catalogue: IndicatorCatalogue | null, locale: string): Map<string, CodeInfo> {
  const out = new Map<string, CodeInfo>();
  if (!catalogue) return out;
  for (const e of [...catalogue.dimensions, ...catalogue.indicators, ...catalogue.signs]) {
    out.set(e.code, { name: localText(e.name, locale), explanation: localText(e.explanation, locale) });
  }
  return out;
}

/**
 * The preview's answer, without what the edited question no longer has: choices, items or
 * matches that were removed, an order of another set of items.
 */
export function fitAnswer(answer: Answer | null, q: AttemptQuestion): Answer | null {
  if (!answer) return null;
  const ids = new Set((q.choices ?? []).map((c) => c.id));
  const out: Answer = {};
  if (answer.selected) out.selected = answer.selected.filter((s) => ids.has(s));
  if (answer.outcome && q.outcomes?.includes(answer.outcome)) out.outcome = answer.outcome;
  if (answer.positive_dimensions) {
    const dims = new Set((q.dimensions ?? []).map((d) => d.id));
    out.positive_dimensions = answer.positive_dimensions.filter((d) => dims.has(d));
  }
  if (answer.answer !== undefined) out.answer = answer.answer;
  if (answer.order && answer.order.length === ids.size && answer.order.every((id) => ids.has(id))) out.order = answer.order;
  if (answer.pairs) {
    const lefts = new Set((q.lefts ?? []).map((l) => l.id));
    const rights = new Set((q.rights ?? []).map((r) => r.id));
    out.pairs = answer.pairs.filter((p) => lefts.has(p.left) && rights.has(p.right));
  }
  return out;
}

/** The server's rendering of unsaved Markdown (sanitised as saving would; nothing is stored). */
export function renderMarkdown(markdown: string, c: ApiClient = api): Promise<string> {
  return c.post<{ html: string }>('/markdown/render', { markdown }).then((r) => r.html);
}

/** The Markdown sources the preview shows: the stem and, with a case, its narrative. */
export function previewSources(content: PreviewContent, scenario: Scenario | null, locale: string): { stem: string; narrative: string } {
  return { stem: localText(content.stem, locale), narrative: scenario ? localText(scenario.narrative, locale) : '' };
}

/**
 * q with the stem and narrative the server rendered from their sources, where html knows them
 * (until then, and for an empty text, the escaped text stays).
 */
export function withRendered(q: AttemptQuestion, src: { stem: string; narrative: string }, html: (markdown: string) => string | undefined): AttemptQuestion {
  const stem = src.stem.trim() ? html(src.stem) : undefined;
  const narrative = src.narrative.trim() ? html(src.narrative) : undefined;
  return {
    ...q,
    stem_html: stem ?? q.stem_html,
    scenario: q.scenario && narrative !== undefined ? { ...q.scenario, narrative_html: narrative } : q.scenario,
  };
}
