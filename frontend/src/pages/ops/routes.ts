import type { Route } from '../../lib/router';

// The ops pages, in match order; each is loaded on demand as its own chunk.
export const opsRoutes: readonly Route[] = [
];
