import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, NETWORK_ERROR, readProblem } from './api';
import { describeError, fieldMessage, passwordLengthError, problemMessage, requireFields } from './errors';
import { loadCatalogue, setLocale } from './i18n';
import { problem } from './testing';

beforeAll(async () => {
  await loadCatalogue('en');
  await setLocale('en');
});
afterEach(() => setLocale('en'));

const err = (code: string, extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {}) =>
  new ApiError({ status: 400, code, title: 'Bad Request', request_id: 'R1', ...extra });

describe('problemMessage', () => {
  it('translates known codes in the current language', () => {
    expect(problemMessage(err('invalid_credentials', { status: 401 }))).toBe('The email address or password is wrong.');
    void setLocale('sr-Cyrl');
    expect(problemMessage(err('invalid_credentials', { status: 401 }))).toBe('Имејл адреса или лозинка није тачна.');
    void setLocale('sr-Latn');
    expect(problemMessage(err('email_taken', { status: 409 }))).toBe(
      'Nalog sa ovom imejl adresom već postoji. Prijavite se ili upotrebite drugu adresu.',
    );
  });

  it.each([
    [600, 'Too many failed attempts. Try again in 10 minutes.'],
    [61, 'Too many failed attempts. Try again in 2 minutes.'],
    [60, 'Too many failed attempts. Try again in 1 minute.'],
    [30, 'Too many attempts. Try again in 30 seconds.'],
    [undefined, 'Too many attempts. Try again later.'],
  ])('too_many_attempts with Retry-After %s', (retryAfter, want) => {
    expect(problemMessage(err('too_many_attempts', { status: 429, retryAfter }))).toBe(want);
  });

  it('says minutes in Serbian with the right plural', () => {
    void setLocale('sr-Cyrl');
    const m = (secs: number) => problemMessage(err('too_many_attempts', { status: 429, retryAfter: secs }));
    expect(m(60)).toBe('Превише неуспелих покушаја. Покушајте поново за 1 минут.');
    expect(m(180)).toBe('Превише неуспелих покушаја. Покушајте поново за 3 минута.');
    expect(m(900)).toBe('Превише неуспелих покушаја. Покушајте поново за 15 минута.');
  });

  it('reads Retry-After from the answer', async () => {
    const e = await readProblem(problem(429, 'too_many_attempts', {}, { 'Retry-After': '840' }));
    expect(e.retryAfter).toBe(840);
    expect(problemMessage(e)).toBe('Too many failed attempts. Try again in 14 minutes.');
  });

  it('falls back to the server’s words for codes it does not know', () => {
    expect(problemMessage(err('brand_new_code', { detail: 'Something new happened.' }))).toBe('Something new happened.');
    expect(problemMessage(err('brand_new_code', { title: 'Conflict' }))).toBe('Conflict');
  });

  it('gives server failures the request id to quote', () => {
    expect(problemMessage(err('internal', { status: 500 }))).toBe(
      'Something went wrong on our side. Try again; if it persists, quote the request id R1.',
    );
    expect(problemMessage(err('http_502', { status: 502, request_id: '' }))).toContain('request id —');
  });

  it('explains network failures and anything that is not an API error', () => {
    expect(problemMessage(new ApiError({ status: 0, code: NETWORK_ERROR }))).toBe(
      'The server cannot be reached. Check your connection and try again.',
    );
    expect(problemMessage(new Error('boom'))).toBe('Something went wrong. Please try again.');
  });

  it('names the CSV line that could not be read', () => {
    const e = err('invalid_csv', { errors: [{ field: 'line', code: 'invalid_csv', message: 'line 3' }] });
    expect(problemMessage(e)).toBe('The CSV file is not valid at line 3.');
    expect(describeError(e, { fields: ['expires_in_days'] })).toEqual({ form: 'The CSV file is not valid at line 3.', fields: {} });
  });
});

describe('describeError', () => {
  it('puts field errors next to their fields', () => {
    const e = err('weak_password', { errors: [{ field: 'password', code: 'too_common', message: 'is common' }] });
    expect(describeError(e, { fields: ['email', 'password'] })).toEqual({
      form: 'The password does not meet the rules.',
      fields: { password: 'This is one of the most common passwords. Choose another.' },
    });
  });

  it.each([
    ['too_short', 'The password must have at least 8 characters.'],
    ['too_long', 'The password can have at most 128 characters.'],
    ['too_predictable', 'The password is built from your name, email address or the platform’s name. Choose another.'],
  ])('weak password %s', (code, want) => {
    const e = err('weak_password', { errors: [{ field: 'password', code, message: '' }] });
    expect(describeError(e).fields.password).toBe(want);
  });

  it('renames fields to the form’s names (a new password follows the password messages)', () => {
    const e = err('weak_password', { errors: [{ field: 'new_password', code: 'too_short', message: '' }] });
    expect(describeError(e, { fields: ['current_password', 'new_password'] }).fields).toEqual({
      new_password: 'The password must have at least 8 characters.',
    });
    const renamed = err('weak_password', { errors: [{ field: 'password', code: 'too_common', message: '' }] });
    expect(describeError(renamed, { fields: ['new_password'], rename: { password: 'new_password' } }).fields).toEqual({
      new_password: 'This is one of the most common passwords. Choose another.',
    });
  });

  it('places problems that concern one field there, although the server names no field', () => {
    expect(describeError(err('email_taken', { status: 409 }), { fields: ['email'] }).fields).toEqual({
      email: 'This address is already registered.',
    });
    expect(describeError(err('member_elsewhere', { status: 409 }), { fields: ['invitation_code'] }).fields).toEqual({
      invitation_code: 'You already belong to another institution.',
    });
    // Not when the form has no such field.
    expect(describeError(err('email_taken', { status: 409 }), { fields: ['password'] }).fields).toEqual({});
  });

  it('tells errors of fields the form does not show at the form level', () => {
    const e = err('validation_failed', {
      errors: [
        { field: 'email', code: 'invalid_email', message: 'must be an email address' },
        { field: 'locale', code: 'not_allowed', message: 'must be one of: sr-Cyrl' },
      ],
    });
    expect(describeError(e, { fields: ['email'] })).toEqual({
      form: 'Some fields are missing or not valid. Choose one of the options.',
      fields: { email: 'Enter a valid email address.' },
    });
  });

  it('uses the server’s message for a field error it cannot translate', () => {
    const e = err('validation_failed', { errors: [{ field: 'email', code: 'odd', message: 'is odd' }] });
    expect(describeError(e).fields.email).toBe('is odd');
    expect(fieldMessage('email', 'odd')).toBe('This value is not valid.');
  });

  it('in Serbian Latin', () => {
    void setLocale('sr-Latn');
    const e = err('invalid_invitation', { status: 422, errors: [{ field: 'invitation_code', code: 'invalid', message: '' }] });
    expect(describeError(e, { fields: ['invitation_code'] })).toEqual({
      form: 'Kod pozivnice ne važi, istekao je ili je već iskorišćen.',
      fields: { invitation_code: 'Kod ne važi, istekao je ili je već iskorišćen.' },
    });
  });
});

describe('client-side checks', () => {
  it('requireFields marks the empty ones', () => {
    expect(requireFields({ email: ' ', name: 'Ана' }, ['email', 'name'])).toEqual({
      form: 'Some fields are missing or not valid.',
      fields: { email: 'This field is required.' },
    });
    expect(requireFields({ email: 'a@b.rs' }, ['email'])).toEqual({ form: null, fields: {} });
  });

  it('passwordLengthError counts characters, not bytes', () => {
    expect(passwordLengthError('', 8, 128)).toBe('This field is required.');
    expect(passwordLengthError('љубичаст', 8, 128)).toBeNull(); // 8 letters, 16 bytes
    expect(passwordLengthError('љубича', 8, 128)).toBe('The password must have at least 8 characters.');
    expect(passwordLengthError('🙂'.repeat(8), 8, 128)).toBeNull();
    expect(passwordLengthError('ж'.repeat(128), 8, 128)).toBeNull();
    expect(passwordLengthError('ж'.repeat(129), 8, 128)).toBe('The password can have at most 128 characters.');
  });
});
