import type { MessageKey } from './i18n';
import type { CodeCheck, Verification } from './learn';

// What the verification page says for each answer.

const headlines: Record<Verification['status'], MessageKey> = {
  valid: 'verify.valid',
  expired: 'verify.expired',
  revoked: 'verify.revoked',
  superseded: 'verify.superseded',
};

export function verifyHeadline(v: Pick<Verification, 'status'>): { title: MessageKey } {
  return { title: headlines[v.status] ?? 'verify.unknown' };
}

/** Why a typed code cannot be a code, for the field's error. */
export function codeProblemKey(check: CodeCheck): MessageKey {
  if (check.ok) return 'verify.codeHint';
  switch (check.reason) {
    case 'empty':
      return 'verify.codeEmpty';
    case 'characters':
      return 'verify.codeCharacters';
    case 'length':
      return 'verify.codeLength';
    case 'check':
      return 'verify.codeCheck';
  }
}
