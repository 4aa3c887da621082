import type { Message } from '../i18n';
import type { authorSr } from './author.sr';

export const authorEn: Record<keyof typeof authorSr, Message> = {
};
