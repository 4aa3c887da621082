import { describe, expect, it } from 'vitest';
import type { Me } from './accounts';
import { createApiClient, NETWORK_ERROR, type ApiError } from './api';
import type { Locale } from './i18n';
import { safeNext, SessionStore, signInPath } from './session';
import { fakeFetch, json, noContent, problem, type Answer } from './testing';

const ana: Me = {
  id: 7,
  email: 'ana@example.rs',
  full_name: 'Ана Петровић',
  locale: 'sr-Latn',
  profession: 'police',
  roles: ['learner'],
  institution: null,
};
const session = (user: Me = ana) => ({ user, access_expires_at: '', refresh_expires_at: '' });
const unauthorized = () => problem(401, 'unauthenticated');

function setup(...answers: Answer[]) {
  const f = fakeFetch(...answers);
  const navigations: Array<{ to: string; replace: boolean }> = [];
  const locales: Locale[] = [];
  let location = '/profile?tab=2';
  let store: SessionStore;
  const api = createApiClient({ fetch: f.fetch, onSessionExpired: () => store.expired() });
  store = new SessionStore({
    api,
    navigate: (to, opts) => navigations.push({ to, replace: opts?.replace ?? false }),
    location: () => location,
    applyLocale: (l) => locales.push(l),
  });
  const requests = () => f.calls.map((c) => `${c.method} ${c.url}`);
  return { store, calls: f.calls, requests, push: f.push, navigations, locales, setLocation: (l: string) => (location = l) };
}

describe('SessionStore', () => {
  it('asks the server once who is signed in, and shows the UI in their language', async () => {
    const s = setup(json(ana));
    expect(s.store.me).toBeUndefined();
    const [a, b] = await Promise.all([s.store.load(), s.store.load()]);
    expect(a).toEqual(ana);
    expect(b).toEqual(ana);
    expect(await s.store.load()).toEqual(ana);
    expect(s.store.me).toEqual(ana);
    expect(s.requests()).toEqual(['GET /api/v1/me']);
    expect(s.locales).toEqual(['sr-Latn']);
  });

  it('treats a visitor without a session as signed out, without sending them anywhere', async () => {
    const s = setup(unauthorized(), unauthorized());
    expect(await s.store.load()).toBeNull();
    expect(s.store.me).toBeNull();
    expect(s.requests()).toEqual(['GET /api/v1/me', 'POST /api/v1/auth/refresh']);
    expect(s.navigations).toEqual([]);
    expect(s.store.flash).toBeNull();
  });

  it('renews an expired access token silently on load', async () => {
    const s = setup(unauthorized(), json(session()), json(ana));
    expect(await s.store.load()).toEqual(ana);
    expect(s.requests()).toEqual(['GET /api/v1/me', 'POST /api/v1/auth/refresh', 'GET /api/v1/me']);
  });

  it('leaves the visitor signed out when the server cannot be reached', async () => {
    const s = setup(new TypeError('Failed to fetch'));
    expect(await s.store.load()).toBeNull();
  });

  it('signs in and adopts the profile language', async () => {
    const s = setup(unauthorized(), unauthorized(), json(session()));
    await s.store.load();
    const me = await s.store.signIn('ana@example.rs', 'тајна реченица');
    expect(me).toEqual(ana);
    expect(s.store.me).toEqual(ana);
    expect(s.calls[2]).toMatchObject({ method: 'POST', url: '/api/v1/auth/login', body: { email: 'ana@example.rs', password: 'тајна реченица' } });
    expect(s.locales).toEqual(['sr-Latn']);
  });

  it('a failed sign-in changes nothing and tries no refresh', async () => {
    const s = setup(problem(401, 'invalid_credentials'));
    const err = (await s.store.signIn('a@b.rs', 'x').catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('invalid_credentials');
    expect(s.requests()).toEqual(['POST /api/v1/auth/login']);
    expect(s.store.me).toBeUndefined();
    expect(s.navigations).toEqual([]);
  });

  it('signs up with the given fields', async () => {
    const s = setup(json(session(), 201));
    const input = { email: 'ana@example.rs', password: 'p', full_name: 'Ана', locale: 'en' as const, profession: 'police', invitation_code: 'AB-CD' };
    await s.store.signUp(input);
    expect(s.calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/auth/register', body: input });
    expect(s.store.me).toEqual(ana);
  });

  it('signing out ends the session on the server and goes to the sign-in page', async () => {
    const s = setup(json(ana), noContent());
    await s.store.load();
    await s.store.signOut();
    expect(s.requests()).toEqual(['GET /api/v1/me', 'POST /api/v1/auth/logout']);
    expect(s.store.me).toBeNull();
    expect(s.navigations).toEqual([{ to: '/sign-in', replace: false }]);
    expect(s.store.takeFlash()).toEqual({ key: 'signIn.signedOut', kind: 'info' });
    expect(s.store.takeFlash()).toBeNull();
  });

  it('a session already ended on the server still counts as signed out', async () => {
    const s = setup(json(ana), unauthorized());
    await s.store.load();
    await s.store.signOut();
    expect(s.store.me).toBeNull();
    expect(s.navigations.map((n) => n.to)).toEqual(['/sign-in']);
  });

  it('when signing out fails the user stays signed in and learns why', async () => {
    const s = setup(json(ana), new TypeError('Failed to fetch'));
    await s.store.load();
    const err = (await s.store.signOut().catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe(NETWORK_ERROR);
    expect(s.store.me).toEqual(ana);
    expect(s.navigations).toEqual([]);
  });

  it('a session that cannot be renewed sends the user to sign in, keeping where they were', async () => {
    const s = setup(json(ana), unauthorized(), problem(401, 'session_expired'));
    await s.store.load();
    await expect(s.store.update({ full_name: 'Ана П.' })).rejects.toMatchObject({ status: 401 });
    expect(s.requests()).toEqual(['GET /api/v1/me', 'PATCH /api/v1/me', 'POST /api/v1/auth/refresh']);
    expect(s.store.me).toBeNull();
    expect(s.navigations).toEqual([{ to: '/sign-in?next=%2Fprofile%3Ftab%3D2', replace: true }]);
    expect(s.store.flash).toEqual({ key: 'signIn.sessionExpired', kind: 'warning' });
  });

  it('keeps the language in the profile once signed in, switching the UI first', async () => {
    const s = setup(json(ana), json({ ...ana, locale: 'en' }));
    await s.store.load();
    await s.store.setLanguage('en');
    expect(s.locales).toEqual(['sr-Latn', 'en']);
    expect(s.calls[1]).toMatchObject({ method: 'PATCH', url: '/api/v1/me', body: { locale: 'en' } });
    expect(s.store.me?.locale).toBe('en');
    await s.store.setLanguage('en'); // already kept: no request
    expect(s.calls).toHaveLength(2);
  });

  it('for a visitor the language only switches the UI', async () => {
    const s = setup(unauthorized(), unauthorized());
    await s.store.load();
    await s.store.setLanguage('sr-Cyrl');
    expect(s.locales).toEqual(['sr-Cyrl']);
    expect(s.calls).toHaveLength(2);
  });

  it('a profile change keeps the language as it is', async () => {
    const s = setup(json(ana), json({ ...ana, full_name: 'Ана Нова' }));
    await s.store.load();
    await s.store.update({ full_name: 'Ана Нова' });
    expect(s.store.me?.full_name).toBe('Ана Нова');
    expect(s.locales).toEqual(['sr-Latn']);
  });
});

describe('safeNext', () => {
  it.each([
    [null, '/'],
    ['', '/'],
    ['/profile', '/profile'],
    ['/admin/users?q=ana', '/admin/users?q=ana'],
    ['https://evil.example/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/sign-in', '/'],
    ['/sign-up?next=/x', '/'],
    ['/x\n/y', '/'],
  ])('%j -> %s', (next, want) => {
    expect(safeNext(next)).toBe(want);
  });

  it('signInPath keeps the way back', () => {
    expect(signInPath('/')).toBe('/sign-in');
    expect(signInPath('/institutions/3/members')).toBe('/sign-in?next=%2Finstitutions%2F3%2Fmembers');
    expect(signInPath('//evil')).toBe('/sign-in');
  });
});
