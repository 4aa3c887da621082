import { ApiError } from './api';
import { problemMessage } from './errors';
import { formatNumber, hasMessage, t } from './i18n';
import type { SessionState } from './ops';

// Names and messages of the operations pages: the API's codes in the user's language.

function label(prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return hasMessage(key) ? t(key) : code;
}

export const sessionStateLabel = (s: SessionState) => label('sessions.state', s);
export const attendanceLabel = (code: string) => (code ? label('register.status', code) : t('register.status.none'));
export const outcomeLabel = (code: string) => label('indicators.outcome', code);
export const strengthLabel = (code: string) => label('indicators.strength', code);
export const reviewLabel = (code: string) => label('indicators.review', code);
export const signKindLabel = (code: string) => label('indicators.signKind', code);
export const roleLabel = (code: string) => label('indicators.role', code);

/** A problem of the sessions, register, analytics or catalogue APIs, in the user's language. */
export function opsProblem(err: unknown): string {
  if (err instanceof ApiError) {
    const key = `register.problem.${err.code}`;
    if (hasMessage(key)) return t(key);
  }
  return problemMessage(err);
}

/** A rate 0..1 as a whole percentage, written as the locale writes it. */
export function percent(rate: number): string {
  return formatNumber(rate, { style: 'percent', maximumFractionDigits: 0 });
}
