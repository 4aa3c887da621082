import type { ImportRow } from './accounts';

// CSV writing (RFC 4180) for what the app hands back to managers.

export function csvField(value: string): string {
  // A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The invited rows of an import with their codes, for the manager to pass on. */
export function reportCsv(rows: readonly ImportRow[]): string {
  return toCsv([
    ['email', 'name', 'profession', 'code', 'expires_at'],
    ...rows.map((r) => [r.email, r.full_name, r.profession, r.code ?? '', r.expires_at ?? '']),
  ]);
}
