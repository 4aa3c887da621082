import { flushSync } from 'svelte';
import { beforeAll, describe, expect, it } from 'vitest';
import { Cell } from './cell';
import { getLocale, loadCatalogue, setLocale, t } from './i18n';

beforeAll(() => loadCatalogue('en'));

describe('Cell', () => {
  it('re-runs the effects that read it when it changes', () => {
    const cell = new Cell(1);
    const seen: number[] = [];
    const stop = $effect.root(() => {
      $effect(() => {
        seen.push(cell.value);
      });
    });
    flushSync();
    cell.value = 2;
    flushSync();
    cell.value = 2; // same value: no re-run
    flushSync();
    stop();
    cell.value = 3; // no readers left
    flushSync();
    expect(seen).toEqual([1, 2]);
    expect(cell.value).toBe(3);
  });

  it('makes t() follow the current locale', () => {
    const seen: string[] = [];
    const stop = $effect.root(() => {
      $effect(() => {
        seen.push(t('home.title'));
      });
    });
    flushSync();
    setLocale('en');
    flushSync();
    setLocale('sr-Latn');
    flushSync();
    stop();
    setLocale('sr-Cyrl');
    expect(seen).toEqual(['Почетна', 'Home', 'Početna']);
    expect(getLocale()).toBe('sr-Cyrl');
  });
});
