// Small helpers for forms.

/** Moves focus to the first field marked invalid in form, if any; returns whether it did. */
export function focusFirstInvalid(form: HTMLElement | undefined | null): boolean {
  const field = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (!field) return false;
  field.focus();
  return true;
}

/** A whole number typed in a field, or NaN. */
export function toInt(value: string | number | null | undefined): number {
  if (typeof value === 'number') return Number.isInteger(value) ? value : NaN;
  const s = (value ?? '').trim();
  return /^\d+$/.test(s) ? Number(s) : NaN;
}

/** "Showing 21–40 of 53", or "Nothing found." for an empty page. */
export function listSummary(page: { offset: number; total: number; items: readonly unknown[] } | null, none: string, showing: (p: { from: number; to: number; total: number }) => string): string {
  if (!page) return '';
  if (page.total === 0 || page.items.length === 0) return none;
  return showing({ from: page.offset + 1, to: page.offset + page.items.length, total: page.total });
}
