import { describe, expect, it } from 'vitest';
import type { IndicatorCatalogue, Scenario } from './author';
import { fitAnswer, inLang, previewInfo, previewShuffle, renderMarkdown, textHTML, toAttemptQuestion, withRendered, type PreviewContent } from './authorPreview';
import { createApiClient } from './api';
import { fakeFetch, json } from './testing';

const text = (sr: string, en = '') => ({ sr, en });

const catalogue: IndicatorCatalogue = {
  version: 1,
  lists: [],
  dimensions: [
    { code: 'ACT', role: 'act', name: text('Радња', 'Act'), explanation: text('Врбовање…', 'Recruitment…') },
    { code: 'PUR', role: 'purpose', name: text('Сврха', 'Purpose'), explanation: text('', 'Exploitation') },
  ],
  indicators: [
    { code: 'M-02', dimension: 'MEANS', name: text('Обмана о плати', 'Deceived about pay'), explanation: text('Обећана плата…', 'Promised pay…'), strength: {}, review: '' },
    { code: 'A-01', dimension: 'ACT', name: text('Врбовање', 'Recruited'), explanation: text('', ''), strength: {}, review: '' },
    { code: 'P-09', dimension: 'PUR', name: text('Принудни рад', 'Forced labour'), explanation: text('', ''), strength: {}, review: '' },
  ],
  signs: [{ code: 'S-01', kind: 'sign', name: text('Без докумената', 'No documents'), explanation: text('', ''), maps_to: [] }],
};

const scenario: Scenario = {
  id: 4,
  course_id: 1,
  version: 2,
  list: 'adult-labour',
  updated_at: '2026-01-01T00:00:00Z',
  title: text('Берба', 'The harvest'),
  age_group: 'adult',
  exploitation: 'labour',
  professions: [],
  content_warning: text('Насиље', ''),
  narrative: text('Плату никад није добила.\n\nПасош <b>је</b> код газде.', ''),
  present: ['M-02', 'A-01'],
  evidence: { sr: [], en: [] },
};

const base = { stem: text('**Шта** видите?', 'What do you see?'), general_feedback: text('') };
const input = (locale: string) => ({ scenario, catalogue, locale });

describe('the preview text', () => {
  it('escapes what the author typed and keeps paragraphs and line breaks', () => {
    expect(textHTML('a <script>x</script> & "b"\nc\n\n\nd')).toBe('<p>a &lt;script&gt;x&lt;/script&gt; &amp; &quot;b&quot;<br>c</p><p>d</p>');
    expect(textHTML('  \n ')).toBe('');
  });

  it('falls back to the other language as the server does', () => {
    expect(inLang(text('ср', ''), 'en')).toBe('ср');
    expect(inLang(text('', 'en'), 'sr')).toBe('en');
  });
});

describe('toAttemptQuestion', () => {
  it('shows the case of an identification question and its candidates sorted by code, with names', () => {
    const c: PreviewContent = { ...base, type: 'indicator_identification', scenario_id: 4, distractors: ['S-01', 'P-09'] };
    const q = toAttemptQuestion(c, input('sr-Latn'));
    expect(q.type).toBe('indicator_identification');
    expect(q.stem_html).toBe('<p>**Šta** vidite?</p>');
    expect(q.choices).toEqual([
      { id: 'A-01', text: 'Vrbovanje' },
      { id: 'M-02', text: 'Obmana o plati' },
      { id: 'P-09', text: 'Prinudni rad' },
      { id: 'S-01', text: 'Bez dokumenata' },
    ]);
    expect(q.scenario).toEqual({
      title: 'Berba',
      age_group: 'adult',
      exploitation: 'labour',
      list: 'adult-labour',
      content_warning: 'Nasilje',
      narrative_html: '<p>Platu nikad nije dobila.</p><p>Pasoš &lt;b&gt;je&lt;/b&gt; kod gazde.</p>',
    });
    // English falls back to the Serbian narrative, in Cyrillic.
    expect(toAttemptQuestion(c, input('en')).scenario?.narrative_html).toContain('Плату');
    expect(toAttemptQuestion(c, input('en')).choices?.[1]).toEqual({ id: 'M-02', text: 'Deceived about pay' });
  });

  it('has no candidates and no case before a scenario is chosen', () => {
    const q = toAttemptQuestion({ ...base, type: 'indicator_identification' }, { ...input('en'), scenario: null });
    expect(q.choices).toEqual([]);
    expect(q.scenario).toBeUndefined();
  });

  it('asks a case assessment with the catalogue dimensions and the three outcomes', () => {
    const q = toAttemptQuestion({ ...base, type: 'case_assessment', scenario_id: 4 }, input('en'));
    expect(q.dimensions).toEqual([
      { id: 'ACT', text: 'Act' },
      { id: 'PUR', text: 'Purpose' },
    ]);
    expect(q.outcomes).toEqual(['trafficking', 'exploitation', 'insufficient']);
    expect(q.scenario?.title).toBe('The harvest');
  });

  it('offers single and multiple choice options in the authored order, blank ones named', () => {
    const options = [
      { id: 'o1', text: text('Да', 'Yes'), fraction: 1, feedback: text('') },
      { id: 'o2', text: text(''), fraction: 0, feedback: text('') },
    ];
    for (const type of ['single_choice', 'multiple_choice'] as const) {
      const q = toAttemptQuestion({ ...base, type, options }, { ...input('sr-Cyrl'), blanks: { option: (n) => `Option ${n}` } });
      expect(q.type).toBe(type);
      expect(q.choices).toEqual([
        { id: 'o1', text: 'Да' },
        { id: 'o2', text: 'Option 2' },
      ]);
      expect(q.scenario).toBeUndefined();
    }
  });

  it('asks true or false with nothing but the stem', () => {
    const q = toAttemptQuestion({ ...base, type: 'true_false', answer: true }, input('en'));
    expect(q.type).toBe('true_false');
    expect(q.stem_html).toBe('<p>What do you see?</p>');
    expect(q.choices).toBeUndefined();
  });

  it('names an empty stem with the placeholder', () => {
    const q = toAttemptQuestion({ type: 'true_false', stem: text('') }, { ...input('en'), blanks: { stem: () => 'Not written <yet>' } });
    expect(q.stem_html).toBe('<p>Not written &lt;yet&gt;</p>');
  });

  it('shuffles ordering items, never in the right order, the same way each time', () => {
    const items = ['a', 'b', 'c', 'd'].map((id) => ({ id, text: text(id.toUpperCase()) }));
    const q = toAttemptQuestion({ ...base, type: 'ordering', items }, input('en'));
    const order = q.choices!.map((c) => c.id);
    expect([...order].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(order).not.toEqual(['a', 'b', 'c', 'd']);
    expect(toAttemptQuestion({ ...base, type: 'ordering', items }, input('sr-Latn')).choices!.map((c) => c.id)).toEqual(order);
    expect(q.choices!.find((c) => c.id === 'c')?.text).toBe('C');
  });

  it('never shows two items in the right order', () => {
    for (let n = 2; n < 8; n++) {
      const right = Array.from({ length: n }, (_, i) => `i${i}`);
      expect(previewShuffle(right)).not.toEqual(right);
      expect([...previewShuffle(right)].sort()).toEqual([...right].sort());
    }
    expect(previewShuffle(['only'])).toEqual(['only']);
  });

  it('matches lefts to rights with their own texts, rights sorted by text in the language', () => {
    const c: PreviewContent = {
      ...base,
      type: 'matching',
      pairs: [
        { left: 'L-1', right: 'R-b' },
        { left: 'L-2', right: 'R-a' },
        { left: '', right: '' },
      ],
      extra_rights: ['R-c'],
      match_texts: {
        'L-1': text('Пасош', 'Passport'),
        'L-2': text('Дуг', 'Debt'),
        'R-a': text('Задржавање', 'Withholding'),
        'R-b': text('Вишак', 'Bondage'),
        'R-c': text('Бег', 'Zero'),
      },
    };
    const sr = toAttemptQuestion(c, input('sr-Latn'));
    expect(sr.lefts).toEqual([
      { id: 'L-1', text: 'Pasoš' },
      { id: 'L-2', text: 'Dug' },
    ]);
    // Sorted by the Cyrillic text (Бег, Вишак, Задржавање), shown in Latin.
    expect(sr.rights).toEqual([
      { id: 'R-c', text: 'Beg' },
      { id: 'R-b', text: 'Višak' },
      { id: 'R-a', text: 'Zadržavanje' },
    ]);
    expect(toAttemptQuestion(c, input('en')).rights!.map((r) => r.text)).toEqual(['Bondage', 'Withholding', 'Zero']);
  });

  it('shows matching items without texts as themselves, a catalogue code with its name', () => {
    const c: PreviewContent = { ...base, type: 'matching', pairs: [{ left: 'M-02', right: 'means' }, { left: 'Debt', right: 'means' }], extra_rights: ['act'] };
    const q = toAttemptQuestion(c, input('en'));
    expect(q.lefts).toEqual([
      { id: 'M-02', text: 'M-02: Deceived about pay' },
      { id: 'Debt', text: 'Debt' },
    ]);
    expect(q.rights).toEqual([
      { id: 'act', text: 'act' },
      { id: 'means', text: 'means' },
    ]);
  });
});

describe('the preview answer', () => {
  it('drops what the edited question no longer has', () => {
    const q = toAttemptQuestion(
      { ...base, type: 'multiple_choice', options: [{ id: 'o1', text: text('x'), fraction: 1, feedback: text('') }] },
      input('en'),
    );
    expect(fitAnswer({ selected: ['o1', 'o9'] }, q)).toEqual({ selected: ['o1'] });
    expect(fitAnswer(null, q)).toBeNull();
  });

  it('forgets an order of other items and matches to removed choices', () => {
    const items = ['a', 'b'].map((id) => ({ id, text: text(id) }));
    const q = toAttemptQuestion({ ...base, type: 'ordering', items }, input('en'));
    expect(fitAnswer({ order: ['b', 'a'] }, q)).toEqual({ order: ['b', 'a'] });
    expect(fitAnswer({ order: ['b', 'c'] }, q)).toEqual({});
    const m = toAttemptQuestion({ ...base, type: 'matching', pairs: [{ left: 'x', right: 'y' }] }, input('en'));
    expect(fitAnswer({ pairs: [{ left: 'x', right: 'y' }, { left: 'x', right: 'gone' }] }, m)).toEqual({ pairs: [{ left: 'x', right: 'y' }] });
    const c = toAttemptQuestion({ ...base, type: 'case_assessment' }, input('en'));
    expect(fitAnswer({ outcome: 'exploitation', positive_dimensions: ['ACT', 'OLD'] }, c)).toEqual({ outcome: 'exploitation', positive_dimensions: ['ACT'] });
  });

  it('gives the catalogue texts for the candidates help', () => {
    const info = previewInfo(catalogue, 'sr-Latn');
    expect(info.get('M-02')).toEqual({ name: 'Obmana o plati', explanation: 'Obećana plata…' });
    expect(info.get('ACT')?.name).toBe('Radnja');
    expect(previewInfo(null, 'en').size).toBe(0);
  });
});

describe('the rendered stem and case', () => {
  it('takes the server rendering where it is known, and keeps the escaped text otherwise', () => {
    const q = { stem_html: '<p>**x**</p>', scenario: { title: 'C', narrative_html: '<p>n</p>' } } as unknown as Parameters<typeof withRendered>[0];
    const html = (md: string) => ({ '**x**': '<p><strong>x</strong></p>' })[md];
    const out = withRendered(q, { stem: '**x**', narrative: 'n' }, html);
    expect(out.stem_html).toBe('<p><strong>x</strong></p>');
    expect(out.scenario?.narrative_html).toBe('<p>n</p>');
    expect(withRendered(q, { stem: '  ', narrative: '' }, () => '<p>never</p>').stem_html).toBe('<p>**x**</p>');
  });

  it('asks the server to render, storing nothing', async () => {
    const { fetch, calls } = fakeFetch(json({ html: '<p><em>a</em></p>' }));
    const c = createApiClient({ fetch });
    expect(await renderMarkdown('*a*', c)).toBe('<p><em>a</em></p>');
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/markdown/render', body: { markdown: '*a*' } });
  });
});
