import { describe, expect, it } from 'vitest';
import { matchPath, resolve, type Route } from './router';

describe('matchPath', () => {
  it.each([
    ['/', '/', {}],
    ['/', '', {}],
    ['/login', '/login', {}],
    ['/login', '/login/', {}],
    ['/login', '/logout', null],
    ['/verify/:code', '/verify/AB12-CD34', { code: 'AB12-CD34' }],
    ['/verify/:code', '/verify/%D0%90%D0%91', { code: 'АБ' }],
    ['/verify/:code', '/verify/%E0%A4%A', null],
    ['/verify/:code', '/verify', null],
    ['/courses/:id/lessons/:lesson', '/courses/3/lessons/12', { id: '3', lesson: '12' }],
    ['*', '/anything/at/all', {}],
  ])('%s against %s', (pattern, path, want) => {
    expect(matchPath(pattern, path)).toEqual(want);
  });
});

describe('resolve', () => {
  const page = () => Promise.reject(new Error('not loaded in tests'));
  const routes: Route[] = [
    { path: '/', load: page, title: 'home.title' },
    { path: '/verify/:code', load: page, title: 'home.title' },
    { path: '*', load: page, title: 'notFound.title' },
  ];

  it('takes the first matching route, falling back to the catch-all', () => {
    expect(resolve(routes, '/')?.route).toBe(routes[0]);
    expect(resolve(routes, '/verify/X1')).toEqual({ route: routes[1], params: { code: 'X1' } });
    expect(resolve(routes, '/nope')?.route).toBe(routes[2]);
    expect(resolve(routes.slice(0, 2), '/nope')).toBeNull();
  });
});
