import { api, onSessionExpired } from './api';
import { setLocale } from './i18n';
import { navigate } from './router';
import { SessionStore } from './session';

/** The app's session: who is signed in, kept in memory only. */
export const session = new SessionStore({
  api,
  navigate,
  location: () => window.location.pathname + window.location.search,
  applyLocale: setLocale,
});

onSessionExpired(() => session.expired());
