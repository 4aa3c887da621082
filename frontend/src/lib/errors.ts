import { ApiError, NETWORK_ERROR } from './api';
import { hasMessage, t, type Params } from './i18n';

// API errors in the user's language, placed next to the field they concern (problem+json
// `errors[].field`) or, when they concern no field of the form, next to the action.

export interface ErrorView {
  /** The message for the whole form or action; null when there is none. */
  form: string | null;
  /** Messages by field name (the API's names: email, password, invitation_code, ...). */
  fields: Record<string, string>;
}

export const noErrors = (): ErrorView => ({ form: null, fields: {} });

export interface DescribeOptions {
  /** The fields the form shows; errors for other fields are told at the form level. */
  fields?: readonly string[];
  /** The API's field name -> the form's (e.g. password -> new_password). */
  rename?: Readonly<Record<string, string>>;
}

// Problems that concern one field although the server names none.
const codeField: Readonly<Record<string, string>> = {
  email_taken: 'email',
  invalid_invitation: 'invitation_code',
  member_elsewhere: 'invitation_code',
  already_member: 'invitation_code',
  wrong_password: 'current_password',
  manager_needs_institution: 'institution_id',
};

// Field errors that only detail the problem's own message (the CSV line that could not be read).
const folded: Readonly<Record<string, string>> = { invalid_csv: 'line' };

const has = hasMessage;

/** The message for a problem as a whole: translated by its code, else the server's own words. */
export function problemMessage(err: unknown): string {
  if (!(err instanceof ApiError)) return t('problem.generic');
  if (err.code === NETWORK_ERROR) return t('problem.network_error');
  if (err.code === 'too_many_attempts' || err.code === 'server_busy' || err.status === 429) {
    const secs = err.retryAfter;
    if (secs === undefined) return t('problem.too_many_attempts_later');
    if (secs < 60) return t('problem.too_many_attempts_seconds', { count: Math.max(secs, 1) });
    return t('problem.too_many_attempts', { count: Math.ceil(secs / 60) });
  }
  if (err.code === 'invalid_csv') {
    const line = /\d+/.exec(err.field('line')?.message ?? '')?.[0];
    return line ? t('problem.invalid_csv_line', { line }) : t('problem.invalid_csv');
  }
  const key = `problem.${err.code}`;
  if (has(key)) return t(key, requestParams(err));
  if (err.status >= 500) return t('problem.internal', requestParams(err));
  return err.detail || err.title || t('problem.generic');
}

// Fields that share the messages of another (a new password follows the password rules).
const fieldAlias: Readonly<Record<string, string>> = { new_password: 'password' };

/** The message for one field error: by field and code, by code, else the server's words. */
export function fieldMessage(field: string, code: string, serverMessage = ''): string {
  const alias = fieldAlias[field] ?? field;
  for (const key of [`field.${field}.${code}`, `field.${alias}.${code}`, `field.${code}`]) {
    if (has(key)) return t(key);
  }
  return serverMessage || t('field.invalid');
}

/** Splits an error into the form's message and the messages of its fields. */
export function describeError(err: unknown, opts: DescribeOptions = {}): ErrorView {
  const view: ErrorView = { form: problemMessage(err), fields: {} };
  if (!(err instanceof ApiError)) return view;
  const shown = (name: string) => !opts.fields || opts.fields.includes(name);
  const name = (field: string) => opts.rename?.[field] ?? field;
  const unplaced: string[] = [];
  for (const e of err.errors) {
    if (folded[err.code] === e.field) continue;
    const f = name(e.field);
    const text = fieldMessage(f, e.code, e.message);
    if (shown(f)) view.fields[f] ??= text;
    else unplaced.push(text);
  }
  const f = codeField[err.code];
  if (f !== undefined && shown(f) && view.fields[f] === undefined) {
    view.fields[f] = fieldMessage(f, err.code, err.detail);
  }
  if (unplaced.length > 0) view.form = `${view.form} ${unplaced.join(' ')}`;
  return view;
}

function requestParams(err: ApiError): Params {
  return { id: err.request_id || '—' };
}

/** True when view holds any message. */
export function hasErrors(view: ErrorView): boolean {
  return view.form !== null || Object.keys(view.fields).length > 0;
}

/** Client-side checks before sending: required fields that are empty. */
export function requireFields(values: Readonly<Record<string, string>>, names: readonly string[]): ErrorView {
  const view = noErrors();
  for (const n of names) {
    if ((values[n] ?? '').trim() === '') view.fields[n] = t('field.required');
  }
  if (Object.keys(view.fields).length > 0) view.form = t('problem.validation_failed');
  return view;
}

/** The password's length rule, counted in characters as the server counts it. */
export function passwordLengthError(password: string, min: number, max: number): string | null {
  const n = Array.from(password).length;
  if (n === 0) return t('field.required');
  if (n < min) return t('field.password.too_short');
  if (n > max) return t('field.password.too_long');
  return null;
}
