import type { Route } from '../../lib/router';

// The learn pages, in match order; each is loaded on demand as its own chunk. The catalogue and
// courses need a signed-in user (the API answers them only to one); verification is public.
export const learnRoutes: readonly Route[] = [
  { path: '/courses', load: () => import('./Catalogue.svelte'), title: 'catalogue.title', access: 'user' },
  { path: '/courses/:id', load: () => import('./Course.svelte'), title: 'course.title', access: 'user' },
  { path: '/courses/:id/lessons/:lessonId', load: () => import('./Lesson.svelte'), title: 'lesson.title', access: 'user' },
  { path: '/my/courses', load: () => import('./MyCoursesPage.svelte'), title: 'myCourses.title', access: 'user' },
  { path: '/my/certificates', load: () => import('./Certificates.svelte'), title: 'certs.title', access: 'user' },
  { path: '/verify', load: () => import('./Verify.svelte'), title: 'verify.title' },
  { path: '/verify/:code', load: () => import('./Verify.svelte'), title: 'verify.title' },
];
