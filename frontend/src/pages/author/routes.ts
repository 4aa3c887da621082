import type { Route } from '../../lib/router';

// The author pages, in match order; each is loaded on demand as its own chunk.
const author = { access: 'user', roles: ['trainer', 'admin'] } as const;

export const authorRoutes: readonly Route[] = [
  { path: '/author/courses', load: () => import('./Courses.svelte'), title: 'author.title', ...author },
  { path: '/author/courses/new', load: () => import('./CourseEditor.svelte'), title: 'editor.newTitle', ...author },
  { path: '/author/courses/:id', load: () => import('./CourseEditor.svelte'), title: 'editor.title', ...author },
  { path: '/author/lessons/:id', load: () => import('./LessonEditor.svelte'), title: 'editor.lessonTitle', ...author },
  { path: '/author/scenarios/new', load: () => import('./ScenarioEditor.svelte'), title: 'scenario.newTitle', ...author },
  { path: '/author/scenarios/:id', load: () => import('./ScenarioEditor.svelte'), title: 'scenario.title', ...author },
  { path: '/author/questions/new', load: () => import('./QuestionEditor.svelte'), title: 'qedit.newTitle', ...author },
  { path: '/author/questions/:id', load: () => import('./QuestionEditor.svelte'), title: 'qedit.title', ...author },
  { path: '/author/quizzes/new', load: () => import('./QuizEditor.svelte'), title: 'author.quiz.newTitle', ...author },
  { path: '/author/quizzes/:id', load: () => import('./QuizEditor.svelte'), title: 'author.quiz.title', ...author },
  { path: '/author/gift', load: () => import('./GiftImport.svelte'), title: 'gift.title', ...author },
];
