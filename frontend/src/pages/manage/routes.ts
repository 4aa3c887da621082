import type { Route } from '../../lib/router';

// The manage pages, in match order; each is loaded on demand as its own chunk.
export const manageRoutes: readonly Route[] = [
];
