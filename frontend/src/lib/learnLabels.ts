import { formatDate, formatNumber, hasMessage, t, type Locale } from './i18n';
import { professionLabel } from './labels';

// Names for the learning API's codes and the formatting the learner's pages share. A code the
// app does not know yet is shown as it is rather than hidden.

function label(prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return hasMessage(key) ? t(key) : code;
}

export const levelLabel = (code: string) => label('catalogue.level', code);
export const courseLanguageLabel = (code: string) => label('catalogue.language', code);
export const sortLabel = (code: string) => label('catalogue.sort', code.replace(/^-/, 'desc_'));
export const certStatusLabel = (code: string) => label('certs.status', code);
export const certKindLabel = (code: string) => label('certs.kind', code);
export const sessionKindLabel = (code: string) => label('course.sessionKind', code);

/** "police, health" in the user's language; "all professions" for none. */
export function professionsLabel(codes: readonly string[]): string {
  if (codes.length === 0) return t('catalogue.allProfessions');
  return codes.map(professionLabel).join(', ');
}

/** Hours as a count ("1,5 сати", "4 hours"), localised. */
export function hoursLabel(hours: number): string {
  return t('catalogue.hours', { count: hours, hours: formatNumber(hours, { maximumFractionDigits: 1 }) });
}

/** A date-only value (YYYY-MM-DD) as a long date, without shifting it through time zones. */
export function formatDay(day: string, locale?: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  const value = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : day;
  return formatDate(value, { dateStyle: 'long', timeZone: 'UTC' }, locale);
}

/** An instant as date and time in the user's time zone. */
export function formatDateTime(value: string, locale?: Locale): string {
  return formatDate(value, { dateStyle: 'long', timeStyle: 'short' }, locale);
}

/** A score from 0 to 1 as a whole percentage. */
export function percentLabel(fraction: number, locale?: Locale): string {
  return formatNumber(fraction, { style: 'percent', maximumFractionDigits: 0 }, locale);
}
