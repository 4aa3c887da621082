import type { Route } from '../../lib/router';

// The author pages, in match order; each is loaded on demand as its own chunk.
export const authorRoutes: readonly Route[] = [
];
