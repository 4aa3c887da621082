import type { Route } from '../../lib/router';

// The quiz pages, in match order; each is loaded on demand as its own chunk.
export const quizRoutes: readonly Route[] = [
];
