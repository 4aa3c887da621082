import type { Route } from '../../lib/router';

// The learn pages, in match order; each is loaded on demand as its own chunk.
export const learnRoutes: readonly Route[] = [
];
