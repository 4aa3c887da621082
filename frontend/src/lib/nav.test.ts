import { describe, expect, it } from 'vitest';
import type { Me, Role } from './accounts';
import { adminNav, decide, institutionNav, isCurrent, mainNav } from './nav';

const user = (roles: Role[], institution: Me['institution'] = null): Me => ({
  id: 1,
  email: 'a@b.rs',
  full_name: 'А',
  locale: 'sr-Cyrl',
  profession: 'other',
  roles: ['learner', ...roles],
  institution,
});
const inst = { id: 4, name: 'ПУ Београд', kind: 'police_directorate', city: 'Београд', country: 'Србија' };
const hrefs = (me: Me | null | undefined) => mainNav(me).map((i) => i.href);

describe('mainNav', () => {
  it('offers visitors home, sign in and sign up', () => {
    expect(hrefs(null)).toEqual(['/', '/sign-in', '/sign-up']);
    expect(hrefs(undefined)).toEqual(['/', '/sign-in', '/sign-up']);
  });

  it('offers learners their learning, and trainers their authoring too', () => {
    expect(hrefs(user([]))).toEqual(['/', '/courses', '/my/certificates', '/indicators', '/profile']);
    expect(hrefs(user([], inst))).toEqual(['/', '/courses', '/my/certificates', '/indicators', '/profile']);
    expect(hrefs(user(['trainer']))).toEqual(['/', '/courses', '/my/certificates', '/indicators', '/author/courses', '/profile']);
  });

  it('offers a manager their own institution', () => {
    expect(hrefs(user(['manager'], inst))).toEqual(['/', '/courses', '/my/certificates', '/indicators', '/institutions/4/members', '/profile']);
    // A manager without an institution has nothing to manage.
    expect(hrefs(user(['manager']))).toEqual(['/', '/courses', '/my/certificates', '/indicators', '/profile']);
  });

  it('offers admins the administration', () => {
    expect(hrefs(user(['admin']))).toEqual(['/', '/courses', '/my/certificates', '/indicators', '/author/courses', '/admin/institutions', '/profile']);
    expect(hrefs(user(['manager', 'admin'], inst))).toEqual(['/', '/courses', '/my/certificates', '/indicators', '/author/courses', '/institutions/4/members', '/admin/institutions', '/profile']);
  });

  it('section tabs', () => {
    expect(institutionNav(4).map((i) => i.href)).toEqual([
      '/institutions/4/members',
      '/institutions/4/invitations',
      '/institutions/4/import',
      '/institutions/4/progress',
      '/institutions/4/assign',
      '/institutions/4/certificates',
      '/institutions/4/attendance',
    ]);
    expect(adminNav().map((i) => i.href)).toEqual(['/admin/institutions', '/admin/users', '/admin/indicators', '/admin/audit']);
  });
});

describe('isCurrent', () => {
  const [, , , , , institution, admin] = mainNav(user(['manager', 'admin'], inst));
  it.each([
    ['/', mainNav(null)[0]!, true],
    ['/profile', mainNav(null)[0]!, false],
    ['/institutions/4/invitations', institution!, true],
    ['/institutions/5/members', institution!, false],
    ['/admin/users/9', admin!, true],
    ['/admin/institutions/', adminNav()[0]!, true],
    ['/admin/institutions/3', adminNav()[0]!, true],
    ['/admin/audit', adminNav()[0]!, false],
  ])('%s', (path, item, want) => {
    expect(isCurrent(item, path)).toBe(want);
  });
});

describe('decide', () => {
  const learner = user([]);
  const manager = user(['manager'], inst);
  const admin = user(['admin']);

  it('shows public pages to everyone', () => {
    expect(decide({}, null, '/')).toEqual({ kind: 'show' });
    expect(decide({ access: 'public' }, learner, '/verify/X')).toEqual({ kind: 'show' });
  });

  it('sends visitors of a signed-in page to sign in, and back afterwards', () => {
    expect(decide({ access: 'user' }, null, '/profile')).toEqual({ kind: 'redirect', to: '/sign-in?next=%2Fprofile' });
    expect(decide({ access: 'user', roles: ['admin'] }, null, '/admin/audit?x=1')).toEqual({
      kind: 'redirect',
      to: '/sign-in?next=%2Fadmin%2Faudit%3Fx%3D1',
    });
  });

  it('sends signed-in users away from sign-in and sign-up, to where they were going', () => {
    expect(decide({ access: 'guest' }, null, '/sign-in')).toEqual({ kind: 'show' });
    expect(decide({ access: 'guest' }, learner, '/sign-in')).toEqual({ kind: 'redirect', to: '/' });
    expect(decide({ access: 'guest' }, learner, '/sign-in?next=%2Fprofile')).toEqual({ kind: 'redirect', to: '/profile' });
    expect(decide({ access: 'guest' }, learner, '/sign-in?next=https://evil.example')).toEqual({ kind: 'redirect', to: '/' });
  });

  it('shows role pages only to the roles named', () => {
    const staff = { access: 'user', roles: ['manager', 'admin'] } as const;
    const admins = { access: 'user', roles: ['admin'] } as const;
    expect(decide(staff, learner, '/institutions/4/members')).toEqual({ kind: 'forbidden' });
    expect(decide(staff, manager, '/institutions/4/members')).toEqual({ kind: 'show' });
    expect(decide(staff, admin, '/institutions/4/members')).toEqual({ kind: 'show' });
    expect(decide(admins, manager, '/admin/users')).toEqual({ kind: 'forbidden' });
    expect(decide(admins, admin, '/admin/users')).toEqual({ kind: 'show' });
    expect(decide({ access: 'user', roles: ['learner'] }, learner, '/')).toEqual({ kind: 'show' });
  });
});
