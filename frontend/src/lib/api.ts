// The client for the JSON API under /api/v1. The browser's session lives in HttpOnly cookies, so
// every call sends them (same origin only); when the short-lived access token has expired the
// client renews it once through /auth/refresh and repeats the call.

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** An API failure, read from the server's application/problem+json body (RFC 9457). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly request_id: string;
  /** Seconds to wait before trying again, from a 429's or 503's Retry-After header. */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    title?: string;
    detail?: string;
    errors?: FieldError[];
    request_id?: string;
    retryAfter?: number | undefined;
  }) {
    super(init.detail || init.title || init.code);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? '';
    this.detail = init.detail ?? '';
    this.errors = init.errors ?? [];
    this.request_id = init.request_id ?? '';
    this.retryAfter = init.retryAfter;
  }

  /** The error of one form field, if the server reported one. */
  field(name: string): FieldError | undefined {
    return this.errors.find((e) => e.field === name);
  }
}

/** The code of an ApiError for a request that never got an answer. */
export const NETWORK_ERROR = 'network_error';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON, unless it is FormData (sent as multipart) or a Blob (sent as is). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** How to read a successful answer: JSON (the default), a Blob (downloads) or text. */
  as?: 'json' | 'blob' | 'text';
  /** false: a 401 is final (e.g. asking whether anyone is signed in); no refresh is tried. */
  refresh?: boolean;
}

export interface ApiClientOptions {
  /** Prefix of every path; '/api/v1' by default. */
  base?: string;
  fetch?: typeof fetch;
  /** Called when the session cannot be renewed: the user must sign in again. */
  onSessionExpired?: () => void;
}

export const REFRESH_PATH = '/auth/refresh';
// A 401 from these means "wrong credentials" or "no session", not "access token expired".
const noRefresh = new Set([REFRESH_PATH, '/auth/login', '/auth/logout']);

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions = {}) {
  const base = options.base ?? '/api/v1';
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let refreshing: Promise<boolean> | undefined;

  async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      ...opts.headers,
    };
    let body: BodyInit | undefined;
    if (opts.body instanceof FormData || opts.body instanceof Blob) {
      body = opts.body;
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) init.body = body;
    if (opts.signal) init.signal = opts.signal;
    try {
      return await doFetch(base + path + queryString(opts.query), init);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError({ status: 0, code: NETWORK_ERROR, detail: String(err) });
    }
  }

  // Concurrent calls that all find the access token expired share one refresh.
  function refresh(): Promise<boolean> {
    refreshing ??= send('POST', REFRESH_PATH, {})
      .then((res) => res.ok)
      .catch(() => false)
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    let res = await send(method, path, opts);
    if (res.status === 401 && opts.refresh !== false && !noRefresh.has(path)) {
      if (await refresh()) {
        res = await send(method, path, opts);
      }
      if (res.status === 401) options.onSessionExpired?.();
    }
    if (!res.ok) throw await readProblem(res);
    return (await readBody(res, opts.as ?? 'json')) as T;
  }

  return {
    request,
    get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('POST', path, { ...opts, body }),
    put: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('PUT', path, { ...opts, body }),
    patch: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('PATCH', path, { ...opts, body }),
    delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
  };
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function readBody(res: Response, as: 'json' | 'blob' | 'text'): Promise<unknown> {
  if (as === 'blob') return res.blob();
  if (as === 'text') return res.text();
  const text = await res.text();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Reads an error answer; bodies that are not problem+json still give a usable ApiError. */
export async function readProblem(res: Response, now: () => number = Date.now): Promise<ApiError> {
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'), now());
  const fallback = { status: res.status, code: `http_${res.status}`, title: res.statusText, retryAfter };
  const type = res.headers.get('Content-Type') ?? '';
  if (!/^application\/(?:problem\+)?json\b/i.test(type)) return new ApiError(fallback);
  let p: Record<string, unknown>;
  try {
    p = (await res.json()) as Record<string, unknown>;
  } catch {
    return new ApiError(fallback);
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return new ApiError({
    status: typeof p.status === 'number' ? p.status : res.status,
    code: str(p.code) ?? fallback.code,
    title: str(p.title) ?? res.statusText,
    detail: str(p.detail) ?? '',
    errors: Array.isArray(p.errors) ? p.errors.filter(isFieldError) : [],
    request_id: str(p.request_id) ?? res.headers.get('X-Request-Id') ?? '',
    retryAfter,
  });
}

/** Reads Retry-After (delay-seconds or an HTTP date) as whole seconds from now. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function isFieldError(v: unknown): v is FieldError {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.field === 'string' && typeof e.code === 'string' && typeof e.message === 'string';
}

let sessionExpired: (() => void) | undefined;

/** Sets what the app does when its session cannot be renewed (the session store wires this). */
export function onSessionExpired(handler: (() => void) | undefined): void {
  sessionExpired = handler;
}

/** The app's client for /api/v1. */
export const api = createApiClient({ onSessionExpired: () => sessionExpired?.() });
