import type { Locale } from './i18n';

// Only the language code is kept, and only for this tab: no personal data in browser storage.
// (Signed-in users will have the choice kept in their profile.)
const localeKey = 'prepoznaj.locale';

export function loadLocale(): string | null {
  try {
    return sessionStorage.getItem(localeKey);
  } catch {
    return null; // storage disabled
  }
}

export function saveLocale(locale: Locale): void {
  try {
    sessionStorage.setItem(localeKey, locale);
  } catch {
    // storage disabled: the choice lasts until the page is reloaded
  }
}
