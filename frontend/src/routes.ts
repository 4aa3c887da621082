import { loadAreas, type Area } from './lib/i18n';
import type { Route } from './lib/router';
import { learnRoutes } from './pages/learn/routes';
import { quizRoutes } from './pages/quiz/routes';
import { authorRoutes } from './pages/author/routes';
import { opsRoutes } from './pages/ops/routes';
import { manageRoutes } from './pages/manage/routes';

// The app's pages, in match order. Each is loaded on demand as its own chunk, together with the
// strings of the areas it uses (route.areas; the core strings are always at hand). An area's
// pages need its own strings, and some use another area's components (and with them its
// strings): those are listed below. routes.test.ts follows each page's imports to check.
const table: readonly Route[] = [
  // The dashboard shows the learner's courses (components/learn/MyCourses).
  { path: '/', load: () => import('./pages/Home.svelte'), title: 'home.title', areas: ['learn'] },
  { path: '/sign-in', load: () => import('./pages/SignIn.svelte'), title: 'signIn.title', access: 'guest' },
  { path: '/sign-up', load: () => import('./pages/SignUp.svelte'), title: 'signUp.title', access: 'guest' },
  { path: '/profile', load: () => import('./pages/Profile.svelte'), title: 'profile.title', access: 'user' },

  // An institution's pages: its manager's, and every admin's.
  { path: '/institutions/:id/members', load: () => import('./pages/institution/Members.svelte'), title: 'members.title', access: 'user', roles: ['manager', 'admin'] },
  { path: '/institutions/:id/invitations', load: () => import('./pages/institution/Invitations.svelte'), title: 'invitations.title', access: 'user', roles: ['manager', 'admin'] },
  { path: '/institutions/:id/import', load: () => import('./pages/institution/ImportStaff.svelte'), title: 'import.title', access: 'user', roles: ['manager', 'admin'] },

  { path: '/admin/institutions', load: () => import('./pages/admin/Institutions.svelte'), title: 'adminInstitutions.title', access: 'user', roles: ['admin'] },
  { path: '/admin/institutions/new', load: () => import('./pages/admin/InstitutionEdit.svelte'), title: 'institutionForm.createTitle', access: 'user', roles: ['admin'] },
  { path: '/admin/institutions/:id', load: () => import('./pages/admin/InstitutionEdit.svelte'), title: 'institutionForm.editTitle', access: 'user', roles: ['admin'] },
  { path: '/admin/users', load: () => import('./pages/admin/Users.svelte'), title: 'adminUsers.title', access: 'user', roles: ['admin'] },
  { path: '/admin/users/:id', load: () => import('./pages/admin/User.svelte'), title: 'adminUser.title', access: 'user', roles: ['admin'] },
  { path: '/admin/audit', load: () => import('./pages/admin/Audit.svelte'), title: 'audit.title', access: 'user', roles: ['admin'] },

  // Each area keeps its own table (pages/<area>/routes.ts); its pages load its strings. A page
  // that uses another area's components names that area too: in its route's `areas`, or here.
  ...inArea('learn', learnRoutes),
  ...inArea('quiz', quizRoutes),
  // The question editor's preview draws the learners' own question components.
  ...inArea('author', authorRoutes, { '/author/questions/new': ['quiz'], '/author/questions/:id': ['quiz'] }),
  ...inArea('ops', opsRoutes),
  ...inArea('manage', manageRoutes),

  { path: '*', load: () => import('./pages/NotFound.svelte'), title: 'notFound.title' },
];

export const routes: readonly Route[] = table.map(withStrings);

/** Shown instead of a page the user's roles do not open. */
export const forbidden: Pick<Route, 'load' | 'title'> = {
  load: () => import('./pages/Forbidden.svelte'),
  title: 'forbidden.title',
};

/** The routes of area, each needing area's strings and those named for its path in extra. */
function inArea(area: Area, list: readonly Route[], extra: Readonly<Record<string, readonly Area[]>> = {}): Route[] {
  return list.map((r) => ({ ...r, areas: [...new Set([area, ...(r.areas ?? []), ...(extra[r.path] ?? [])])] }));
}

/** route, whose load() also fetches the strings of its areas: the page is drawn once both are in. */
function withStrings(route: Route): Route {
  const list = route.areas ?? [];
  if (list.length === 0) return route;
  const load = route.load;
  return { ...route, load: () => Promise.all([load(), loadAreas(list)]).then(([page]) => page) };
}
