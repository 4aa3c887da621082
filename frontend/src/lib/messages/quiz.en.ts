import type { Message } from '../i18n';
import type { quizSr } from './quiz.sr';

export const quizEn: Record<keyof typeof quizSr, Message> = {
};
