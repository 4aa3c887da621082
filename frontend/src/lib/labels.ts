import { hasMessage, t } from './i18n';

// Names for the API's codes (professions, roles, statuses, ...) in the user's language. A code
// the app does not know yet is shown as it is rather than hidden.

function label(prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return hasMessage(key) ? t(key) : code;
}

export const professionLabel = (code: string) => (code ? label('profession', code) : '—');
export const roleLabel = (code: string) => label('role', code);
export const kindLabel = (code: string) => label('kind', code);
export const invitationStatusLabel = (code: string) => label('invitationStatus', code);
export const importReasonLabel = (code: string) => label('importReason', code);
export const auditActionLabel = (code: string) => label('auditAction', code);
export const auditOutcomeLabel = (code: string) => label('auditOutcome', code);
export const auditTargetLabel = (code: string) => label('auditTarget', code);
