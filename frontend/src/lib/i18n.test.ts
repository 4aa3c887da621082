import { afterEach, beforeAll, describe, expect, it } from 'vitest';
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

const catalogues = { sr, en };

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

  it.each(srKeys)('%s: translated, same placeholders, Serbian in Cyrillic', (key) => {
    const s = catalogues.sr[key as keyof typeof catalogues.sr] as Message;
    const e = catalogues.en[key as keyof typeof catalogues.en];
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
    expect(hasMessage('problem.no_such_code')).toBe(false);
    expect(hasMessage('toString')).toBe(false);
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
