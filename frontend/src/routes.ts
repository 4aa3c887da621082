import type { Route } from './lib/router';

// The app's pages, in match order. Each is loaded on demand as its own chunk.
export const routes: readonly Route[] = [
  { path: '/', load: () => import('./pages/Home.svelte'), title: 'home.title' },
  { path: '*', load: () => import('./pages/NotFound.svelte'), title: 'notFound.title' },
];
