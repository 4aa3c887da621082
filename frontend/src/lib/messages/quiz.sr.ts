import type { Message } from '../i18n';

// Serbian strings of the quiz pages (Cyrillic only; Latin is derived). Keys are prefixed by page.
export const quizSr = {
} as const satisfies Record<string, Message>;
