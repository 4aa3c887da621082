import type { Message } from '../i18n';

// Serbian strings of the manage pages (Cyrillic only; Latin is derived). Keys are prefixed by page.
export const manageSr = {
} as const satisfies Record<string, Message>;
