import { hasRole, managedInstitution, type Me } from './accounts';
import type { MessageKey } from './i18n';
import type { Route } from './router';
import { safeNext, signInPath } from './session';

// What the navigation offers each person, and who may open which page. The server decides what
// anyone may do; this only keeps people from being shown what they cannot use.

export interface NavItem {
  href: string;
  label: MessageKey;
  /** The item is current on its own path and on every path under this prefix. */
  section?: string;
}

/** The main navigation for me: learning first, then authoring, the institution, administration. */
export function mainNav(me: Me | null | undefined): NavItem[] {
  if (!me) {
    return [
      { href: '/', label: 'nav.home' },
      { href: '/sign-in', label: 'nav.signIn' },
      { href: '/sign-up', label: 'nav.signUp' },
    ];
  }
  const items: NavItem[] = [
    { href: '/', label: 'nav.dashboard' },
    { href: '/courses', label: 'nav.catalogue', section: '/courses/' },
    { href: '/my/certificates', label: 'nav.certificates' },
    { href: '/indicators', label: 'nav.indicators' },
  ];
  if (hasRole(me, 'trainer') || hasRole(me, 'admin')) items.push({ href: '/author/courses', label: 'nav.authoring', section: '/author/' });
  const inst = managedInstitution(me);
  if (inst) items.push({ href: institutionPath(inst.id, 'members'), label: 'nav.institution', section: `/institutions/${inst.id}/` });
  if (hasRole(me, 'admin')) items.push({ href: '/admin/institutions', label: 'nav.admin', section: '/admin/' });
  items.push({ href: '/profile', label: 'nav.profile' });
  return items;
}

export type InstitutionTab = 'members' | 'invitations' | 'import' | 'progress' | 'assign' | 'certificates' | 'attendance';

export function institutionPath(id: number, tab: InstitutionTab): string {
  return `/institutions/${id}/${tab}`;
}

/** The tabs of an institution's pages (for its manager, or an admin). */
export function institutionNav(id: number): NavItem[] {
  return [
    { href: institutionPath(id, 'members'), label: 'nav.members' },
    { href: institutionPath(id, 'invitations'), label: 'nav.invitations' },
    { href: institutionPath(id, 'import'), label: 'nav.import' },
    { href: institutionPath(id, 'progress'), label: 'nav.progress' },
    { href: institutionPath(id, 'assign'), label: 'nav.assign' },
    { href: institutionPath(id, 'certificates'), label: 'nav.institutionCertificates' },
    { href: institutionPath(id, 'attendance'), label: 'nav.attendance' },
  ];
}

/** The tabs of the administration pages. */
export function adminNav(): NavItem[] {
  return [
    { href: '/admin/institutions', label: 'nav.institutions', section: '/admin/institutions/' },
    { href: '/admin/users', label: 'nav.users', section: '/admin/users/' },
    { href: '/admin/indicators', label: 'nav.indicators', section: '/admin/indicators/' },
    { href: '/admin/audit', label: 'nav.audit' },
  ];
}

/** Whether item is the page at path (or the section path is in). */
export function isCurrent(item: NavItem, path: string): boolean {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return p === item.href || (item.section !== undefined && (p + '/').startsWith(item.section));
}

export type Decision = { kind: 'show' } | { kind: 'redirect'; to: string } | { kind: 'forbidden' };

/**
 * What to do when me asks for route at location (path and query): show it, send them to sign
 * in (and back here afterwards), send a signed-in user away from the sign-in page, or say the
 * page is not for them.
 */
export function decide(route: Pick<Route, 'access' | 'roles'>, me: Me | null | undefined, location: string): Decision {
  switch (route.access ?? 'public') {
    case 'public':
      return { kind: 'show' };
    case 'guest': {
      if (!me) return { kind: 'show' };
      const query = location.includes('?') ? location.slice(location.indexOf('?')) : '';
      return { kind: 'redirect', to: safeNext(new URLSearchParams(query).get('next')) };
    }
    case 'user':
      if (!me) return { kind: 'redirect', to: signInPath(location) };
      if (route.roles && !route.roles.some((r) => hasRole(me, r))) return { kind: 'forbidden' };
      return { kind: 'show' };
  }
}
