import type { Route } from '../../lib/router';

// The manage pages, in match order; each is loaded on demand as its own chunk. They share the
// header and tabs of the institution's other pages (members, invitations, import).
export const manageRoutes: readonly Route[] = [
  { path: '/institutions/:id/progress', load: () => import('./Progress.svelte'), title: 'progress.title', access: 'user', roles: ['manager', 'admin'] },
  { path: '/institutions/:id/assign', load: () => import('./Assign.svelte'), title: 'assign.title', access: 'user', roles: ['manager', 'admin'] },
  { path: '/institutions/:id/certificates', load: () => import('./Certificates.svelte'), title: 'instCerts.title', access: 'user', roles: ['manager', 'admin'] },
  { path: '/institutions/:id/attendance', load: () => import('./Attendance.svelte'), title: 'attendance.title', access: 'user', roles: ['manager', 'admin'] },
];
