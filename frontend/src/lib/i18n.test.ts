import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  formatDate,
  formatMessage,
  formatNumber,
  getLocale,
  hasMessage,
  loadCatalogue,
  pickLocale,
  setLocale,
  t,
  translate,
  type Message,
} from './i18n';
import { en } from './messages/en';
import { sr } from './messages/sr';
import { learnEn } from './messages/learn.en';
import { learnSr } from './messages/learn.sr';
import { quizEn } from './messages/quiz.en';
import { quizSr } from './messages/quiz.sr';
import { authorEn } from './messages/author.en';
import { authorSr } from './messages/author.sr';
import { opsEn } from './messages/ops.en';
import { opsSr } from './messages/ops.sr';
import { manageEn } from './messages/manage.en';
import { manageSr } from './messages/manage.sr';

// The core catalogue and every area's, together: no key may be defined twice.
const parts = {
  core: { sr, en },
  learn: { sr: learnSr, en: learnEn },
  quiz: { sr: quizSr, en: quizEn },
  author: { sr: authorSr, en: authorEn },
  ops: { sr: opsSr, en: opsEn },
  manage: { sr: manageSr, en: manageEn },
};
const merge = (lang: 'sr' | 'en'): Record<string, Message> =>
  Object.assign({}, ...Object.values(parts).map((p) => p[lang] as Record<string, Message>));
const catalogues = { sr: merge('sr'), en: merge('en') };

beforeAll(() => loadCatalogue('en'));

const cyrillic = /\p{Script=Cyrillic}/u;
const latinLetter = /[A-Za-zčćđšžČĆĐŠŽ]/;
const placeholders = (m: Message): string[] =>
  (typeof m === 'string' ? [m] : Object.values(m))
    .flatMap((s) => s.match(/\{[A-Za-z0-9_]+\}/g) ?? [])
    .filter((p, i, all) => all.indexOf(p) === i)
    .sort();
const forms = (m: Message): string[] => (typeof m === 'string' ? [m] : Object.values(m));

describe('catalogues', () => {
  const srKeys = Object.keys(catalogues.sr).sort();
  const enKeys = Object.keys(catalogues.en).sort();

  it('have the same keys in Serbian and English', () => {
    expect(enKeys).toEqual(srKeys);
  });

  it.each(Object.entries(parts))('%s: same keys in both languages, none defined by another part', (name, p) => {
    expect(Object.keys(p.en).sort()).toEqual(Object.keys(p.sr).sort());
    for (const [other, q] of Object.entries(parts)) {
      if (other === name) continue;
      expect(Object.keys(p.sr).filter((k) => Object.hasOwn(q.sr, k)), `shared with ${other}`).toEqual([]);
    }
  });

  it.each(srKeys)('%s: translated, same placeholders, Serbian in Cyrillic', (key) => {
    const s = catalogues.sr[key]!;
    const e = catalogues.en[key]!;
    for (const text of [...forms(s), ...forms(e)]) expect(text.trim()).not.toBe('');
    expect(placeholders(e)).toEqual(placeholders(s));
    for (const text of forms(s)) {
      const words = text.replace(/\{[A-Za-z0-9_]+\}/g, '');
      expect(words).toMatch(cyrillic);
      expect(words).not.toMatch(latinLetter);
    }
  });
});

describe('translate', () => {
  it('derives Serbian Latin from Cyrillic', () => {
    expect(translate('sr-Cyrl', 'app.name')).toBe('Препознај');
    expect(translate('sr-Latn', 'app.name')).toBe('Prepoznaj');
    expect(translate('en', 'app.name')).toBe('Prepoznaj');
    expect(translate('sr-Latn', 'app.tagline')).toBe(
      'Obuka za profesionalce koji prvi susreću žrtve trgovine ljudima.',
    );
  });

  it('fills placeholders and transliterates them with the text', () => {
    expect(translate('en', 'health.version', { version: '1.2.0' })).toBe('Version 1.2.0');
    expect(translate('sr-Latn', 'health.version', { version: 'бета' })).toBe('Verzija beta');
    expect(translate('en', 'health.version')).toBe('Version {version}');
  });

  it('localises numbers in placeholders', () => {
    expect(translate('en', 'health.version', { version: 12345 })).toBe('Version 12,345');
    expect(translate('sr-Cyrl', 'health.version', { version: 12345 })).toBe('Верзија 12.345');
  });
});

describe('plurals', () => {
  const sr = { one: '{count} лекција', few: '{count} лекције', other: '{count} лекција' };
  const en = { one: '{count} lesson', other: '{count} lessons' };

  it.each([
    [1, '1 лекција', '1 lekcija', '1 lesson'],
    [3, '3 лекције', '3 lekcije', '3 lessons'],
    [5, '5 лекција', '5 lekcija', '5 lessons'],
    [21, '21 лекција', '21 lekcija', '21 lessons'],
    [1000, '1.000 лекција', '1.000 lekcija', '1,000 lessons'],
  ])('%i', (count, cyr, lat, eng) => {
    expect(formatMessage(sr, 'sr-Cyrl', { count })).toBe(cyr);
    expect(formatMessage(sr, 'sr-Latn', { count })).toBe(lat);
    expect(formatMessage(en, 'en', { count })).toBe(eng);
  });
});

describe('current locale', () => {
  afterEach(() => setLocale('sr-Cyrl'));

  it('starts in Serbian Cyrillic and follows setLocale', () => {
    expect(getLocale()).toBe('sr-Cyrl');
    expect(t('home.title')).toBe('Почетна');
    setLocale('sr-Latn');
    expect(t('home.title')).toBe('Početna');
    setLocale('en');
    expect(t('home.title')).toBe('Home');
  });
});

describe('formatting', () => {
  const date = new Date(Date.UTC(2026, 2, 5, 12, 0, 0));
  const utc = { dateStyle: 'long', timeZone: 'UTC' } as const;

  it('formats dates for each locale', () => {
    expect(formatDate(date, utc, 'sr-Cyrl')).toBe('5. март 2026.');
    expect(formatDate(date, utc, 'sr-Latn')).toBe('5. mart 2026.');
    expect(formatDate(date, utc, 'en')).toBe('5 March 2026');
  });

  it('formats numbers for each locale', () => {
    expect(formatNumber(1234.5, {}, 'sr-Cyrl')).toBe('1.234,5');
    expect(formatNumber(1234.5, {}, 'sr-Latn')).toBe('1.234,5');
    expect(formatNumber(1234.5, {}, 'en')).toBe('1,234.5');
    expect(formatNumber(0.875, { style: 'percent' }, 'en')).toBe('88%');
  });
});

describe('loading', () => {
  it('knows every key of the catalogues and no other', () => {
    expect(hasMessage('app.name')).toBe(true);
    expect(hasMessage('catalogue.title')).toBe(true); // the test setup loads every area
    expect(hasMessage('problem.no_such_code')).toBe(false);
    expect(hasMessage('toString')).toBe(false);
  });
});

// A fresh copy of the module, with nothing but the core loaded (the test setup loads every area
// into the shared one).
async function freshI18n() {
  vi.resetModules();
  return import('./i18n');
}

describe('areas', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are loaded on demand; a key of an area not loaded is an error', async () => {
    const i18n = await freshI18n();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(i18n.hasMessage('app.name')).toBe(true);
    expect(i18n.hasMessage('catalogue.title')).toBe(false);
    expect(i18n.areaLoaded('learn')).toBe(false);
    expect(i18n.t('catalogue.title')).toBe('catalogue.title');
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![0])).toContain('catalogue.title');

    await i18n.loadAreas(['learn']);
    expect(i18n.areaLoaded('learn')).toBe(true);
    expect(i18n.hasMessage('catalogue.title')).toBe(true);
    expect(i18n.t('catalogue.title')).toBe('Обуке');
    expect(i18n.translate('sr-Latn', 'catalogue.title')).toBe('Obuke');
    expect(i18n.hasMessage('attempt.title')).toBe(false); // quiz is not loaded
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('switching to English loads the English of every area loaded so far', async () => {
    const i18n = await freshI18n();
    await i18n.loadAreas(['learn', 'quiz']);
    expect(i18n.areaLoaded('learn', 'en')).toBe(false);
    await i18n.setLocale('en');
    expect(i18n.getLocale()).toBe('en');
    expect(i18n.areaLoaded('learn')).toBe(true);
    expect(i18n.areaLoaded('quiz')).toBe(true);
    expect(i18n.t('catalogue.title')).toBe('Courses');
    expect(i18n.t('home.title')).toBe('Home');
    expect(i18n.areaLoaded('author')).toBe(false);
  });

  it('in English, an area loads in both languages', async () => {
    const i18n = await freshI18n();
    await i18n.setLocale('en');
    expect(i18n.hasMessage('author.title')).toBe(false);
    await i18n.loadAreas(['author']);
    expect(i18n.areaLoaded('author')).toBe(true);
    expect(i18n.hasMessage('author.title')).toBe(true);
    expect(i18n.t('author.title')).toBe(authorEn['author.title']);
    await i18n.setLocale('sr-Cyrl');
    expect(i18n.t('author.title')).toBe(authorSr['author.title']);
  });

  it('a choice of English made while an area loads still gets its English', async () => {
    const i18n = await freshI18n();
    const area = i18n.loadAreas(['ops']);
    const switched = i18n.setLocale('en');
    const later = i18n.loadAreas(['manage']);
    await Promise.all([area, switched, later]);
    expect(i18n.getLocale()).toBe('en');
    expect(i18n.areaLoaded('ops')).toBe(true);
    expect(i18n.areaLoaded('manage')).toBe(true);
  });
});

describe('pickLocale', () => {
  it.each([
    ['en', ['sr-RS'], 'en'],
    ['bogus', ['sr-Latn-RS', 'en'], 'sr-Latn'],
    [null, ['sr'], 'sr-Cyrl'],
    [null, ['hr-HR', 'en'], 'sr-Latn'],
    [null, ['de-DE', 'en-US'], 'en'],
    [null, ['de-DE'], 'sr-Cyrl'],
    [null, [], 'sr-Cyrl'],
  ] as const)('stored %s, browser %j -> %s', (stored, preferred, want) => {
    expect(pickLocale(stored, preferred)).toBe(want);
  });
});
