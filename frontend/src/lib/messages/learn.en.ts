import type { Message } from '../i18n';
import type { learnSr } from './learn.sr';

export const learnEn: Record<keyof typeof learnSr, Message> = {
};
