import type { Component } from 'svelte';
import { Cell } from './cell';
import type { Role } from './accounts';
import type { Area, MessageKey } from './i18n';

// A small History API router: clean paths (/verify/ABC), each page its own chunk.

export type RouteParams = Record<string, string>;

/** A page receives the route's params, or takes no props at all. */
export type PageComponent = Component<{ params: RouteParams }> | Component;

export interface Route {
  /** Literal segments and :named ones, e.g. /verify/:code; '*' matches any path. */
  path: string;
  /** The page, imported on demand so that each page is its own chunk. */
  load: () => Promise<{ default: PageComponent }>;
  /** The page's name in document.title. */
  title: MessageKey;
  /**
   * Who may open the page: anyone ('public', the default), only visitors who are not signed in
   * ('guest': sign-in and sign-up) or only signed-in users ('user').
   */
  access?: Access;
  /** For 'user' pages: the roles of which the user needs one (any signed-in user when absent). */
  roles?: readonly Role[];
  /**
   * The areas whose strings the page (with every component it uses) needs beyond the core ones.
   * routes.ts makes load() fetch them with the page; a test checks that the list is complete.
   */
  areas?: readonly Area[];
}

export type Access = 'public' | 'guest' | 'user';

/** The params of path under pattern, or null when it does not match. */
export function matchPath(pattern: string, path: string): RouteParams | null {
  if (pattern === '*') return {};
  const want = segments(pattern);
  const got = segments(path);
  if (want.length !== got.length) return null;
  const params: RouteParams = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null; // malformed %-escape
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

const segments = (path: string) => path.split('/').filter((s) => s !== '');

export function resolve(routes: readonly Route[], path: string): { route: Route; params: RouteParams } | null {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}

// Paths the Go server answers itself; links to them are real page loads.
const serverPaths = /^\/(?:api|healthz|readyz)(?:\/|$)/;

const current = new Cell(typeof window === 'undefined' ? '/' : window.location.pathname);

/** The current path; reading it inside a component makes the component follow navigation. */
export function currentPath(): string {
  return current.value;
}

export function navigate(to: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  current.value = window.location.pathname;
  if (!replace) window.scrollTo(0, 0);
}

/** Follows the back and forward buttons and turns same-app link clicks into navigation. */
export function startRouter(): () => void {
  const onPop = () => {
    current.value = window.location.pathname;
  };
  const onClick = (event: MouseEvent) => {
    const to = internalLink(event);
    if (to === null) return;
    event.preventDefault();
    if (to !== window.location.pathname + window.location.search) navigate(to);
  };
  window.addEventListener('popstate', onPop);
  document.addEventListener('click', onClick);
  return () => {
    window.removeEventListener('popstate', onPop);
    document.removeEventListener('click', onClick);
  };
}

// The path to navigate to for a click on a link within the app, or null to let the browser act.
function internalLink(event: MouseEvent): string | null {
  if (event.defaultPrevented || event.button !== 0) return null;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const a = event.target instanceof Element ? event.target.closest('a') : null;
  if (!a || !a.href || a.hasAttribute('download') || a.relList.contains('external')) return null;
  if (a.target && a.target !== '_self') return null;
  const url = new URL(a.href);
  if (url.origin !== window.location.origin || serverPaths.test(url.pathname)) return null;
  // In-page anchors (the skip link) stay with the browser.
  if (url.hash && url.pathname === window.location.pathname) return null;
  return url.pathname + url.search;
}
