import type { Route } from './lib/router';
import { learnRoutes } from './pages/learn/routes';
import { quizRoutes } from './pages/quiz/routes';
import { authorRoutes } from './pages/author/routes';
import { opsRoutes } from './pages/ops/routes';
import { manageRoutes } from './pages/manage/routes';

// The app's pages, in match order. Each is loaded on demand as its own chunk.
export const routes: readonly Route[] = [
  { path: '/', load: () => import('./pages/Home.svelte'), title: 'home.title' },
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

  // Each area keeps its own table (pages/<area>/routes.ts).
  ...learnRoutes,
  ...quizRoutes,
  ...authorRoutes,
  ...opsRoutes,
  ...manageRoutes,

  { path: '*', load: () => import('./pages/NotFound.svelte'), title: 'notFound.title' },
];

/** Shown instead of a page the user's roles do not open. */
export const forbidden: Pick<Route, 'load' | 'title'> = {
  load: () => import('./pages/Forbidden.svelte'),
  title: 'forbidden.title',
};
