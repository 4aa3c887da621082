import { Cell } from './cell';
import { sr } from './messages/sr';
import type { learnSr } from './messages/learn.sr';
import type { quizSr } from './messages/quiz.sr';
import type { authorSr } from './messages/author.sr';
import type { opsSr } from './messages/ops.sr';
import type { manageSr } from './messages/manage.sr';
import { toLatin } from './translit';

export type Locale = 'sr-Cyrl' | 'sr-Latn' | 'en';

/** A message is a template with {name} placeholders, or plural forms chosen by params.count. */
export type Message = string | PluralMessage;
export interface PluralMessage {
  one: string;
  few?: string;
  other: string;
}
/** The keys that are always at hand: the shell's and the core pages'. */
export type CoreKey = keyof typeof sr;
/**
 * Every key, of the core and of every area. The areas' catalogues are imported as types only:
 * their strings are not in the first page's code but loaded with the area (loadAreas).
 */
export type MessageKey =
  | CoreKey
  | keyof typeof learnSr
  | keyof typeof quizSr
  | keyof typeof authorSr
  | keyof typeof opsSr
  | keyof typeof manageSr;
export type Params = Record<string, string | number>;

export interface LocaleInfo {
  code: Locale;
  /** The language's own name for itself, shown in the switcher in every language. */
  label: string;
  /** The tag handed to Intl for dates, numbers and plural rules. */
  intl: string;
}

export const locales: readonly LocaleInfo[] = [
  { code: 'sr-Cyrl', label: 'Српски (ћирилица)', intl: 'sr-Cyrl-RS' },
  { code: 'sr-Latn', label: 'Srpski (latinica)', intl: 'sr-Latn-RS' },
  { code: 'en', label: 'English', intl: 'en-GB' },
];

export const defaultLocale: Locale = 'sr-Cyrl';

export function isLocale(value: unknown): value is Locale {
  return locales.some((l) => l.code === value);
}

export function intlTag(locale: Locale): string {
  return locales.find((l) => l.code === locale)!.intl;
}

export type Catalogue = Record<MessageKey, Message>;

/** A part of the app whose strings are loaded with its pages (lib/messages/<area>.<lang>.ts). */
export type Area = 'learn' | 'quiz' | 'author' | 'ops' | 'manage';
export const areas: readonly Area[] = ['learn', 'quiz', 'author', 'ops', 'manage'];

type Lang = 'sr' | 'en';
type Strings = Partial<Record<MessageKey, Message>>;

// Each catalogue is its own chunk. Serbian (Cyrillic) is the source language: sr-Latn is derived
// from it and it stands in for a missing English string, so an area's Serbian is always loaded
// with the area and its English as well when the locale is English.
const sources: Record<Area | 'core', Record<Lang, () => Promise<Strings>>> = {
  core: { sr: () => Promise.resolve(sr), en: () => import('./messages/en').then((m) => m.en) },
  learn: { sr: () => import('./messages/learn.sr').then((m) => m.learnSr), en: () => import('./messages/learn.en').then((m) => m.learnEn) },
  quiz: { sr: () => import('./messages/quiz.sr').then((m) => m.quizSr), en: () => import('./messages/quiz.en').then((m) => m.quizEn) },
  author: { sr: () => import('./messages/author.sr').then((m) => m.authorSr), en: () => import('./messages/author.en').then((m) => m.authorEn) },
  ops: { sr: () => import('./messages/ops.sr').then((m) => m.opsSr), en: () => import('./messages/ops.en').then((m) => m.opsEn) },
  manage: { sr: () => import('./messages/manage.sr').then((m) => m.manageSr), en: () => import('./messages/manage.en').then((m) => m.manageEn) },
};

// What translate() reads: the loaded catalogues of each language, merged. Serbian's core is
// always at hand; the rest arrives on demand.
const messages: Record<Lang, Strings> = { sr: { ...sr }, en: {} };
const loadedParts = new Set<string>(['core.sr']);
const loadingParts = new Map<string, Promise<void>>();
// The areas asked for so far: switching to English loads their English too.
const wantedAreas = new Set<Area>();

function loadPart(part: Area | 'core', lang: Lang): Promise<void> {
  const id = `${part}.${lang}`;
  if (loadedParts.has(id)) return Promise.resolve();
  let loading = loadingParts.get(id);
  if (!loading) {
    loading = sources[part][lang]().then(
      (strings) => {
        Object.assign(messages[lang], strings);
        loadedParts.add(id);
        loadingParts.delete(id);
      },
      (err: unknown) => {
        loadingParts.delete(id); // a later call tries again
        throw err;
      },
    );
    loadingParts.set(id, loading);
  }
  return loading;
}

// The parts English needs: its core and the English of every area asked for so far.
const englishParts = (): (Area | 'core')[] => ['core', ...wantedAreas];
const englishReady = () => englishParts().every((p) => loadedParts.has(`${p}.en`));

/** Makes sure the catalogues of locale are at hand: for English, those of every loaded area too. */
export function loadCatalogue(locale: Locale): Promise<void> {
  if (locale !== 'en') return Promise.resolve();
  return Promise.all(englishParts().map((p) => loadPart(p, 'en'))).then(() => undefined);
}

/**
 * Loads the strings of areas (their pages call this before they are drawn): Serbian always, and
 * English when it is, or is about to be, the locale.
 */
export function loadAreas(list: readonly Area[]): Promise<void> {
  const english = wanted === 'en' || current.value === 'en';
  const parts: Promise<void>[] = [];
  for (const area of list) {
    wantedAreas.add(area);
    parts.push(loadPart(area, 'sr'));
    if (english) parts.push(loadPart(area, 'en'));
  }
  return Promise.all(parts).then(() => undefined);
}

/** Whether the strings of area are at hand (in Serbian; in English too when that is wanted). */
export function areaLoaded(area: Area, locale: Locale = current.value): boolean {
  return loadedParts.has(`${area}.sr`) && (locale !== 'en' || loadedParts.has(`${area}.en`));
}

/** Whether key names a loaded message (for codes from the API, which may be new to the app). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(messages.sr, key);
}

/** Translates key into locale, filling {placeholders} from params (numbers are localised). */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  if (locale === 'en' && Object.hasOwn(messages.en, key)) return formatMessage(messages.en[key]!, locale, params);
  if (!Object.hasOwn(messages.sr, key)) {
    // The area of key was not loaded with the page (a route must name every area it uses):
    // loud in the console, where the end-to-end tests look, and the key on screen.
    console.error(`i18n: no message "${key}"; is its area loaded by the route?`);
    return key;
  }
  // Until English has arrived (locale is only switched once it has), Serbian stands in.
  return formatMessage(messages.sr[key]!, locale === 'en' ? 'sr-Cyrl' : locale, params);
}

/** Formats a message written in locale's source language (Serbian ones in Cyrillic). */
export function formatMessage(message: Message, locale: Locale, params: Params = {}): string {
  const text = interpolate(selectForm(message, locale, params), locale, params);
  return locale === 'sr-Latn' ? toLatin(text) : text;
}

function selectForm(message: Message, locale: Locale, params: Params): string {
  if (typeof message === 'string') return message;
  const count = typeof params.count === 'number' ? params.count : 0;
  const form = new Intl.PluralRules(intlTag(locale)).select(count);
  return (form === 'one' || form === 'few' ? message[form] : undefined) ?? message.other;
}

function interpolate(template: string, locale: Locale, params: Params): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value, {}, locale) : value;
  });
}

const current = new Cell<Locale>(defaultLocale);

/** The current locale; reading it inside a component makes the component follow changes. */
export function getLocale(): Locale {
  return current.value;
}

/**
 * Switches the UI to locale: at once when its messages are at hand, else as soon as they have
 * arrived. The latest choice wins when several are in flight.
 */
let wanted: Locale = defaultLocale;
export function setLocale(locale: Locale): Promise<void> {
  wanted = locale;
  if (locale !== 'en' || englishReady()) {
    current.value = locale;
    return Promise.resolve();
  }
  return loadCatalogue(locale).then(() => {
    if (wanted === locale) current.value = locale;
  });
}

/** Translates key into the current locale. */
export function t(key: MessageKey, params?: Params): string {
  return translate(getLocale(), key, params);
}

export function formatDate(
  value: Date | number | string,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'long' },
  locale: Locale = getLocale(),
): string {
  return new Intl.DateTimeFormat(intlTag(locale), options).format(new Date(value));
}

export function formatNumber(
  value: number,
  options: Intl.NumberFormatOptions = {},
  locale: Locale = getLocale(),
): string {
  return new Intl.NumberFormat(intlTag(locale), options).format(value);
}

/**
 * Chooses the starting locale: the one kept for this tab, else the browser's first preference we
 * speak (Serbian in Latin script for sr-Latn and the neighbouring Latin-script languages), else
 * Serbian Cyrillic.
 */
export function pickLocale(stored: string | null, preferred: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of preferred) {
    const [lang = '', ...rest] = tag.toLowerCase().split('-');
    if (lang === 'sr') return rest.includes('latn') ? 'sr-Latn' : 'sr-Cyrl';
    if (['hr', 'bs', 'sh', 'cnr'].includes(lang)) return 'sr-Latn';
    if (lang === 'en') return 'en';
  }
  return defaultLocale;
}
