// A stand-in for the Go server, for trying the app and the e2e tests without it: serves dist/
// the way the Go server does (SPA fallback, precompressed files, the same CSP) and answers
// /healthz. It knows nothing of the API. Run: node e2e/stub-server.mjs [port]
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

export const csp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Starts the stub on port (0: any free port) and resolves to its base URL and a close function. */
export function startStubServer(port = 0, { version = 'stub' } = {}) {
  const server = createServer((req, res) => {
    handle(req, res, version).catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({ url: `http://127.0.0.1:${actual}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} version
 */
async function handle(req, res, version) {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://stub').pathname);
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  if (path === '/healthz') return json(res, 200, { status: 'ok', version });
  if (path.startsWith('/api/')) {
    return json(res, 404, { status: 404, code: 'not_found', title: 'Not Found', request_id: 'stub' }, 'application/problem+json');
  }
  let file = normalize(join(dist, path));
  if (!file.startsWith(dist) || !(await isFile(file))) file = join(dist, 'index.html');
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'])) && (await isFile(`${file}.gz`));
  res.setHeader('Content-Type', types[/** @type {keyof typeof types} */ (extname(file))] ?? 'application/octet-stream');
  res.setHeader('Cache-Control', file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.setHeader('Vary', 'Accept-Encoding');
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.end(await readFile(gzip ? `${file}.gz` : file));
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function json(res, status, body, type = 'application/json') {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

/** @param {string} file */
async function isFile(file) {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startStubServer(Number(process.argv[2] ?? 4173));
  console.log(`stub server on ${url} (serving ${dist})`);
}
