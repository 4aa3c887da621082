// Helpers for unit tests: a fake fetch that answers from a script and records the requests.

export interface Call {
  method: string;
  url: string;
  body: unknown;
}

export type Answer = Response | Error | ((call: Call) => Response);

export function fakeFetch(...answers: Answer[]) {
  const calls: Call[] = [];
  const queue = [...answers];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : init.body;
    const call = { method: init.method ?? 'GET', url: String(input), body };
    calls.push(call);
    const next = queue.shift();
    if (next === undefined) throw new Error(`unexpected request ${call.method} ${call.url}`);
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next(call) : next;
  };
  return { fetch, calls, push: (...more: Answer[]) => queue.push(...more) };
}

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

export const noContent = () => new Response(null, { status: 204 });

export const problem = (status: number, code: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: `urn:prepoznaj:problem:${code}`, title: 'x', status, code, request_id: 'req-1', ...extra }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
