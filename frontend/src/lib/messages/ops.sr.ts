import type { Message } from '../i18n';

// Serbian strings of the ops pages (Cyrillic only; Latin is derived). Keys are prefixed by page.
export const opsSr = {
} as const satisfies Record<string, Message>;
