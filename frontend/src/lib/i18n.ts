import { Cell } from './cell';
import { sr } from './messages/sr';
import { toLatin } from './translit';

export type Locale = 'sr-Cyrl' | 'sr-Latn' | 'en';

/** A message is a template with {name} placeholders, or plural forms chosen by params.count. */
export type Message = string | PluralMessage;
export interface PluralMessage {
  one: string;
  few?: string;
  other: string;
}
export type MessageKey = keyof typeof sr;
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

// The catalogues in their source languages; sr-Latn is derived from Serbian Cyrillic. Serbian
// is always at hand (it defines the keys); English is fetched when first needed, so that the
// first page does not carry a language it does not show.
const loaded: { sr: Catalogue; en?: Catalogue } = { sr };
let loadingEn: Promise<void> | undefined;

/** Makes sure the catalogue of locale is at hand. */
export function loadCatalogue(locale: Locale): Promise<void> {
  if (locale !== 'en' || loaded.en) return Promise.resolve();
  loadingEn ??= import('./messages/en').then(
    (m) => {
      loaded.en = m.en;
    },
    (err: unknown) => {
      loadingEn = undefined;
      throw err;
    },
  );
  return loadingEn;
}

/** Whether key names a message (for codes from the API, which may be new to the app). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(sr, key);
}

/** Translates key into locale, filling {placeholders} from params (numbers are localised). */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  // Until English has arrived (locale is only switched once it has), Serbian stands in.
  const message = locale === 'en' ? (loaded.en ?? sr)[key] : sr[key];
  return formatMessage(message, locale === 'en' && !loaded.en ? 'sr-Cyrl' : locale, params);
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
  if (locale !== 'en' || loaded.en) {
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
