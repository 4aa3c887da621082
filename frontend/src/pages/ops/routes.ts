import type { Route } from '../../lib/router';

// The ops pages, in match order; each is loaded on demand as its own chunk.
export const opsRoutes: readonly Route[] = [
  // Live sessions of a course and their attendance registers: the course's trainers and admins;
  // managers read their own staff's lines of a register.
  // The sessions one runs as their trainer, each with a link to its register.
  { path: '/author/sessions', load: () => import('./MySessions.svelte'), title: 'mySessions.title', access: 'user', roles: ['trainer', 'admin'] },
  { path: '/author/courses/:id/sessions', load: () => import('./Sessions.svelte'), title: 'sessions.title', access: 'user', roles: ['trainer', 'admin'] },
  { path: '/sessions/:id/register', load: () => import('./Register.svelte'), title: 'register.title', access: 'user', roles: ['trainer', 'manager', 'admin'] },
  // Quiz analytics: authors see everyone's attempts, managers their staff's.
  { path: '/author/quizzes/:id/analytics', load: () => import('./Analytics.svelte'), title: 'analytics.title', access: 'user', roles: ['trainer', 'manager', 'admin'] },
  { path: '/author/courses/:id/analytics', load: () => import('./Analytics.svelte'), title: 'analytics.courseTitle', access: 'user', roles: ['trainer', 'manager', 'admin'] },
  // The indicator catalogue: admins edit it; anyone signed in studies it and tries the rule.
  { path: '/admin/indicators', load: () => import('./Indicators.svelte'), title: 'indicators.adminTitle', access: 'user', roles: ['admin'] },
  { path: '/indicators', load: () => import('./Indicators.svelte'), title: 'indicators.title', access: 'user' },
];
