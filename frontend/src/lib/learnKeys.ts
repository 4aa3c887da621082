// The lesson reader's keyboard shortcuts: Alt+Shift+Left for the previous lesson and
// Alt+Shift+Right for the next. Alt alone with an arrow is the browser's own back and forward,
// and plain arrows scroll; both are left alone. Keys typed into a field never count.

export type LessonDirection = 'previous' | 'next';

interface KeyLike {
  key: string;
  altKey: boolean;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  defaultPrevented?: boolean;
  target?: EventTarget | null;
}

export function lessonShortcut(event: KeyLike): LessonDirection | null {
  if (event.defaultPrevented || !event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return null;
  if (isEditable(event.target)) return null;
  if (event.key === 'ArrowLeft') return 'previous';
  if (event.key === 'ArrowRight') return 'next';
  return null;
}

function isEditable(target: EventTarget | null | undefined): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  return el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') !== null;
}
