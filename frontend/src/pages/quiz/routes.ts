import type { Route } from '../../lib/router';

// The quiz pages, in match order; each is loaded on demand as its own chunk.
export const quizRoutes: readonly Route[] = [
  { path: '/quizzes/:id', load: () => import('./QuizIntro.svelte'), title: 'quiz.title', access: 'user' },
  { path: '/attempts/:id', load: () => import('./Attempt.svelte'), title: 'attempt.title', access: 'user' },
  { path: '/attempts/:id/review', load: () => import('./Review.svelte'), title: 'review.title', access: 'user' },
];
