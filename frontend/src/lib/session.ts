import * as accounts from './accounts';
import type { Me, MePatch, RegisterInput } from './accounts';
import { ApiError, type ApiClient } from './api';
import { Cell } from './cell';
import type { Locale, MessageKey, Params } from './i18n';

// Who is signed in. The session itself lives in HttpOnly cookies the app cannot read; this store
// only remembers the answer of GET /me in memory (never in browser storage) and changes it
// through the API. The signed-in user's language comes from their profile and is saved there.

/** undefined: not asked yet; null: nobody is signed in. */
export type SessionState = Me | null | undefined;

/** A one-time notice for the next page (e.g. "you have signed out" on the sign-in page). */
export interface Flash {
  key: MessageKey;
  params?: Params;
  kind: 'info' | 'warning';
}

export interface SessionDeps {
  api: ApiClient;
  navigate: (to: string, opts?: { replace?: boolean }) => void;
  /** The current path and query, kept as ?next= when the session expires. */
  location: () => string;
  /** Shows the UI in locale at once. */
  applyLocale: (locale: Locale) => void;
}

export const SIGN_IN_PATH = '/sign-in';

export class SessionStore {
  readonly #state = new Cell<SessionState>(undefined);
  readonly #flash = new Cell<Flash | null>(null);
  #loading: Promise<Me | null> | undefined;
  readonly #deps: SessionDeps;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
  }

  /** The signed-in user; reading it in a component makes the component follow changes. */
  get me(): SessionState {
    return this.#state.value;
  }

  /** The notice waiting for the next page, if any; reading it does not consume it. */
  get flash(): Flash | null {
    return this.#flash.value;
  }

  takeFlash(): Flash | null {
    const f = this.#flash.value;
    this.#flash.value = null;
    return f;
  }

  setFlash(flash: Flash | null): void {
    this.#flash.value = flash;
  }

  /** Asks the server who is signed in (once; later calls share the answer). */
  load(): Promise<Me | null> {
    const known = this.#state.value;
    if (known !== undefined) return Promise.resolve(known);
    this.#loading ??= accounts
      .getMe(this.#deps.api)
      .then((me) => {
        this.#adopt(me);
        return me;
      })
      .catch(() => {
        // 401 after a failed refresh: nobody is signed in. Other failures (the server is down)
        // also leave the visitor signed out; the pages say what went wrong when they call.
        if (this.#state.value === undefined) this.#state.value = null;
        return null;
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  async signIn(email: string, password: string): Promise<Me> {
    const s = await accounts.login(email, password, this.#deps.api);
    this.#adopt(s.user);
    return s.user;
  }

  async signUp(input: RegisterInput): Promise<Me> {
    const s = await accounts.register(input, this.#deps.api);
    this.#adopt(s.user);
    return s.user;
  }

  /** Ends the session on the server and goes to the sign-in page. */
  async signOut(): Promise<void> {
    try {
      await accounts.logout(this.#deps.api);
    } catch (err) {
      // Already ended on the server (401) is as good as signed out; anything else is reported.
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
    }
    this.#state.value = null;
    this.#flash.value = { key: 'signIn.signedOut', kind: 'info' };
    this.#deps.navigate(SIGN_IN_PATH);
  }

  async update(patch: MePatch): Promise<Me> {
    const me = await accounts.patchMe(patch, this.#deps.api);
    this.#adopt(me);
    return me;
  }

  /** Replaces the user after a call that answered with them (joining an institution). */
  set(me: Me): void {
    this.#adopt(me);
  }

  /**
   * Switches the UI to locale at once and, when someone is signed in, keeps the choice in their
   * profile. Rejects when saving failed (the UI stays switched).
   */
  async setLanguage(locale: Locale): Promise<void> {
    this.#deps.applyLocale(locale);
    const me = this.#state.value;
    if (!me || me.locale === locale) return;
    const updated = await accounts.patchMe({ locale }, this.#deps.api);
    // Another change may have come meanwhile; the latest choice stays on screen.
    this.#state.value = updated;
  }

  /**
   * The API could not renew the session (the api client calls this). A signed-in user goes to
   * the sign-in page, which brings them back here afterwards; for a visitor nothing changes.
   */
  expired(): void {
    const me = this.#state.value;
    if (!me) {
      this.#state.value = null;
      return;
    }
    this.#state.value = null;
    this.#flash.value = { key: 'signIn.sessionExpired', kind: 'warning' };
    this.#deps.navigate(signInPath(this.#deps.location()), { replace: true });
  }

  #adopt(me: Me): void {
    const before = this.#state.value;
    this.#state.value = me;
    if (!before || before.locale !== me.locale || before.id !== me.id) this.#deps.applyLocale(me.locale);
  }
}

/** The sign-in page's address that leads back to path afterwards. */
export function signInPath(path: string): string {
  const next = safeNext(path);
  return next === '/' ? SIGN_IN_PATH : `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`;
}

/**
 * A path inside the app to go to after signing in; anything else (another site, the sign-in
 * or sign-up page itself) becomes the home page.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  if (/[\u0000-\u001f]/.test(next)) return '/';
  const path = next.split(/[?#]/, 1)[0]!;
  if (path === SIGN_IN_PATH || path === '/sign-up') return '/';
  return next;
}
