import { describe, expect, it } from 'vitest';
import { ApiError, NETWORK_ERROR, createApiClient, parseRetryAfter, readProblem } from './api';

interface Call {
  url: string;
  init: RequestInit;
}

// A fake fetch that answers from a queue and records what it was asked.
function fakeFetch(...answers: Array<Response | Error | ((c: Call) => Response)>) {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const call = { url: String(input), init };
    calls.push(call);
    const next = answers.shift();
    if (next === undefined) throw new Error(`unexpected request ${call.url}`);
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next(call) : next;
  };
  return { fetch, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const problem = (body: Record<string, unknown>) =>
  new Response(JSON.stringify(body), {
    status: body.status as number,
    headers: { 'Content-Type': 'application/problem+json' },
  });
const unauthorized = () =>
  problem({ status: 401, code: 'unauthenticated', title: 'Unauthorized', request_id: 'r1' });

describe('api client', () => {
  it('sends JSON with cookies to /api/v1 and reads JSON back', async () => {
    const { fetch, calls } = fakeFetch(json({ id: 7 }, 201));
    const api = createApiClient({ fetch });
    const got = await api.post<{ id: number }>('/courses', { title: 'Увод' }, { query: { draft: true, skip: undefined } });
    expect(got).toEqual({ id: 7 });
    expect(calls).toHaveLength(1);
    const [{ url, init }] = calls as [Call];
    expect(url).toBe('/api/v1/courses?draft=true');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{"title":"Увод"}');
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json' });
  });

  it('sends no body and no Content-Type on GET, and reads an empty answer as undefined', async () => {
    const { fetch, calls } = fakeFetch(new Response(null, { status: 204 }));
    const got = await createApiClient({ fetch }).get('/me');
    expect(got).toBeUndefined();
    expect(calls[0]!.init.body).toBeUndefined();
    expect(calls[0]!.init.headers).not.toHaveProperty('Content-Type');
  });

  it('parses problem+json into a typed ApiError', async () => {
    const { fetch } = fakeFetch(
      problem({
        type: 'about:blank',
        status: 400,
        code: 'invalid',
        title: 'Invalid request',
        detail: 'Some fields are not valid.',
        errors: [{ field: 'email', code: 'required', message: 'Email is required.' }, { bogus: 1 }],
        request_id: 'req-42',
      }),
    );
    const err = await createApiClient({ fetch }).post('/auth/signup', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect([e.status, e.code, e.title, e.detail, e.request_id]).toEqual([
      400, 'invalid', 'Invalid request', 'Some fields are not valid.', 'req-42',
    ]);
    expect(e.errors).toEqual([{ field: 'email', code: 'required', message: 'Email is required.' }]);
    expect(e.field('email')?.code).toBe('required');
  });

  it('gives an ApiError for answers that are not problem+json', async () => {
    const { fetch } = fakeFetch(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const e = (await createApiClient({ fetch }).get('/x').catch((e: unknown) => e)) as ApiError;
    expect([e.status, e.code, e.title]).toEqual([502, 'http_502', 'Bad Gateway']);
  });

  it('turns a failed fetch into a network ApiError, but lets aborts through', async () => {
    const { fetch } = fakeFetch(new TypeError('Failed to fetch'), new DOMException('stop', 'AbortError'));
    const api = createApiClient({ fetch });
    const e = (await api.get('/x').catch((e: unknown) => e)) as ApiError;
    expect([e.status, e.code]).toEqual([0, NETWORK_ERROR]);
    const abort = await api.get('/x').catch((e: unknown) => e);
    expect(abort).toBeInstanceOf(DOMException);
  });

  it('on 401 refreshes the session once and repeats the request', async () => {
    const { fetch, calls } = fakeFetch(unauthorized(), json({}, 200), json({ name: 'Ана' }));
    let expired = 0;
    const api = createApiClient({ fetch, onSessionExpired: () => expired++ });
    expect(await api.put('/me', { name: 'Ана' })).toEqual({ name: 'Ана' });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'PUT /api/v1/me',
      'POST /api/v1/auth/refresh',
      'PUT /api/v1/me',
    ]);
    expect(calls[2]!.init.body).toBe('{"name":"Ана"}');
    expect(expired).toBe(0);
  });

  it('reports an expired session when the refresh fails, without repeating', async () => {
    const { fetch, calls } = fakeFetch(unauthorized(), unauthorized());
    let expired = 0;
    const api = createApiClient({ fetch, onSessionExpired: () => expired++ });
    const e = (await api.get('/me').catch((e: unknown) => e)) as ApiError;
    expect([e.status, e.code, e.request_id]).toEqual([401, 'unauthenticated', 'r1']);
    expect(calls).toHaveLength(2);
    expect(expired).toBe(1);
  });

  it('does not loop when the repeated request is refused again', async () => {
    const { fetch, calls } = fakeFetch(unauthorized(), json({}), unauthorized());
    const e = (await createApiClient({ fetch }).get('/me').catch((e: unknown) => e)) as ApiError;
    expect(e.status).toBe(401);
    expect(calls).toHaveLength(3);
  });

  it('shares one refresh among concurrent requests', async () => {
    const { fetch, calls } = fakeFetch(unauthorized(), unauthorized(), json({}), json(1), json(2));
    const api = createApiClient({ fetch });
    const got = await Promise.all([api.get<number>('/a'), api.get<number>('/b')]);
    expect(got.sort()).toEqual([1, 2]);
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
  });

  it('does not refresh for a failed sign-in or when told not to', async () => {
    const { fetch, calls } = fakeFetch(unauthorized(), unauthorized());
    const api = createApiClient({ fetch });
    await expect(api.post('/auth/login', { email: 'a@b.rs', password: 'x' })).rejects.toBeInstanceOf(ApiError);
    await expect(api.get('/me', { refresh: false })).rejects.toBeInstanceOf(ApiError);
    expect(calls).toHaveLength(2);
  });

  it('sends FormData as is and reads downloads as a Blob', async () => {
    const pdf = new Response(new Uint8Array([37, 80, 68, 70]), { headers: { 'Content-Type': 'application/pdf' } });
    const { fetch, calls } = fakeFetch(pdf);
    const form = new FormData();
    form.set('file', new Blob(['a,b']), 'staff.csv');
    const blob = await createApiClient({ fetch }).post<Blob>('/import', form, { as: 'blob' });
    expect(blob.size).toBe(4);
    expect(calls[0]!.init.body).toBe(form);
    expect(calls[0]!.init.headers).not.toHaveProperty('Content-Type');
  });

  it('reads Retry-After into the error, in seconds', async () => {
    const res = new Response(JSON.stringify({ status: 429, code: 'too_many_attempts' }), {
      status: 429,
      headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '120' },
    });
    const { fetch } = fakeFetch(res);
    const e = (await createApiClient({ fetch }).post('/auth/login', {}).catch((e: unknown) => e)) as ApiError;
    expect([e.status, e.code, e.retryAfter]).toEqual([429, 'too_many_attempts', 120]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it.each([
    [null, undefined],
    ['', undefined],
    ['0', 0],
    [' 45 ', 45],
    ['Thu, 01 Jan 2026 12:05:00 GMT', 300],
    ['Thu, 01 Jan 2026 11:00:00 GMT', 0],
    ['soon', undefined],
  ])('%j', (value, want) => {
    expect(parseRetryAfter(value, now)).toBe(want);
  });

  it('an answer without the header has none', async () => {
    const e = await readProblem(new Response('{}', { status: 429, headers: { 'Content-Type': 'application/json' } }));
    expect(e.retryAfter).toBeUndefined();
  });
});

