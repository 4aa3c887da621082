import type { Message } from '../i18n';

// Serbian strings of the author pages (Cyrillic only; Latin is derived). Keys are prefixed by page.
export const authorSr = {
} as const satisfies Record<string, Message>;
