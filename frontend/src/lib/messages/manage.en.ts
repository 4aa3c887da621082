import type { Message } from '../i18n';
import type { manageSr } from './manage.sr';

export const manageEn: Record<keyof typeof manageSr, Message> = {
};
