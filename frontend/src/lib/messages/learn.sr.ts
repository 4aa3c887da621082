import type { Message } from '../i18n';

// Serbian strings of the learn pages (Cyrillic only; Latin is derived). Keys are prefixed by page.
export const learnSr = {
} as const satisfies Record<string, Message>;
