import type { Message } from '../i18n';
import type { opsSr } from './ops.sr';

export const opsEn: Record<keyof typeof opsSr, Message> = {
};
