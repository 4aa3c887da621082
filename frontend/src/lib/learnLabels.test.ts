import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalogue, setLocale } from './i18n';
import { certStatusLabel, formatDay, hoursLabel, levelLabel, percentLabel, professionsLabel, sortLabel } from './learnLabels';

afterEach(() => setLocale('sr-Cyrl'));

describe('learn labels', () => {
  it('names codes in the user’s language and script, and keeps unknown ones', async () => {
    expect(levelLabel('advanced')).toBe('Напредни');
    expect(sortLabel('-hours')).toBe('Најдуже прво');
    expect(certStatusLabel('revoked')).toBe('Опозван');
    expect(levelLabel('expert')).toBe('expert');
    await setLocale('sr-Latn');
    expect(levelLabel('advanced')).toBe('Napredni');
    await loadCatalogue('en');
    await setLocale('en');
    expect(sortLabel('title')).toBe('Title (A–Z)');
    expect(professionsLabel([])).toBe('all professions');
    expect(professionsLabel(['police', 'health'])).toBe('Police, Health care');
  });

  it('counts hours with the right plural and decimal comma', async () => {
    expect(hoursLabel(1)).toBe('1 сат');
    expect(hoursLabel(3)).toBe('3 сата');
    expect(hoursLabel(6)).toBe('6 сати');
    expect(hoursLabel(1.5)).toBe('1,5 сати');
    await loadCatalogue('en');
    await setLocale('en');
    expect(hoursLabel(1)).toBe('1 hour');
    expect(hoursLabel(2.5)).toBe('2.5 hours');
  });

  it('shows a calendar day as it is, whatever the time zone', async () => {
    await loadCatalogue('en');
    await setLocale('en');
    expect(formatDay('2026-03-01')).toBe('1 March 2026');
    expect(percentLabel(0.8)).toBe('80%');
  });
});
