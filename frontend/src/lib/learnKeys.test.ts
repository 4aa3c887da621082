import { describe, expect, it } from 'vitest';
import { lessonShortcut } from './learnKeys';

const key = (k: string, mods: Partial<{ altKey: boolean; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}, target: EventTarget | null = null) => ({
  key: k,
  altKey: false,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  target,
  ...mods,
});

describe('lessonShortcut', () => {
  it('maps Alt+Shift+arrows to previous and next', () => {
    expect(lessonShortcut(key('ArrowLeft', { altKey: true, shiftKey: true }))).toBe('previous');
    expect(lessonShortcut(key('ArrowRight', { altKey: true, shiftKey: true }))).toBe('next');
  });

  it("leaves the browser's and the page's own keys alone", () => {
    expect(lessonShortcut(key('ArrowLeft'))).toBeNull();
    expect(lessonShortcut(key('ArrowLeft', { altKey: true }))).toBeNull(); // browser back
    expect(lessonShortcut(key('ArrowRight', { altKey: true, shiftKey: true, ctrlKey: true }))).toBeNull();
    expect(lessonShortcut(key('ArrowUp', { altKey: true, shiftKey: true }))).toBeNull();
    expect(lessonShortcut({ ...key('ArrowRight', { altKey: true, shiftKey: true }), defaultPrevented: true })).toBeNull();
  });

  it('ignores keys typed into fields', () => {
    // Stand-ins for elements: what matters is where they sit (closest).
    const input = { closest: (sel: string) => (sel.includes('input') ? {} : null), isContentEditable: false } as unknown as EventTarget;
    expect(lessonShortcut(key('ArrowRight', { altKey: true, shiftKey: true }, input))).toBeNull();
    const div = { closest: () => null, isContentEditable: false } as unknown as EventTarget;
    expect(lessonShortcut(key('ArrowRight', { altKey: true, shiftKey: true }, div))).toBe('next');
    const editable = { closest: () => null, isContentEditable: true } as unknown as EventTarget;
    expect(lessonShortcut(key('ArrowRight', { altKey: true, shiftKey: true }, editable))).toBeNull();
  });
});
