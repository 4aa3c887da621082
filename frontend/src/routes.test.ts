import { describe, expect, it } from 'vitest';
import { areas, type Area } from './lib/i18n';
import { sr } from './lib/messages/sr';
import { learnSr } from './lib/messages/learn.sr';
import { quizSr } from './lib/messages/quiz.sr';
import { authorSr } from './lib/messages/author.sr';
import { opsSr } from './lib/messages/ops.sr';
import { manageSr } from './lib/messages/manage.sr';
import { forbidden, routes } from './routes';

// Each area's strings arrive with the routes that name the area (route.areas); the core ones are
// always at hand. This test follows each route's page through every module it imports and checks
// that each message key written in them belongs to the core or to one of the route's areas. A
// key is any string literal that names a message ('catalogue.title', "nav.home"), and a
// template or literal that ends in a dot before the code part (`quiz.problem.${code}`,
// 'catalogue.level.') stands for every key that starts with it.

type Part = Area | 'core';
const catalogues: Record<Part, Record<string, unknown>> = {
  core: sr,
  learn: learnSr,
  quiz: quizSr,
  author: authorSr,
  ops: opsSr,
  manage: manageSr,
};
const partOf = new Map<string, Part>();
for (const [part, cat] of Object.entries(catalogues) as [Part, Record<string, unknown>][]) {
  for (const key of Object.keys(cat)) partOf.set(key, part);
}

const sources = import.meta.glob<string>(['./**/*.svelte', './**/*.ts', '!./**/*.test.ts', '!./lib/messages/**', '!./lib/testing.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

// Route tables: their titles are checked per route; their other imports are the pages.
const tables = Object.keys(sources).filter((f) => f === './routes.ts' || /^\.\/pages\/[^/]+\/routes\.ts$/.test(f));

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const parts = from.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  const base = parts.join('/');
  for (const file of [base, `${base}.ts`, `${base}/index.ts`]) if (file in sources) return file;
  return null;
}

const staticImport = /\b(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]*?\s*from\s*)?['"]([^'"\n]+)['"]/g;
const dynamicImport = /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g;

function imports(file: string, dynamic: boolean): string[] {
  const text = sources[file]!;
  const specs = [...text.matchAll(staticImport)].filter((m) => !m[1]).map((m) => m[2]!);
  if (dynamic) specs.push(...[...text.matchAll(dynamicImport)].map((m) => m[1]!));
  return specs.map((s) => resolveImport(file, s)).filter((f): f is string => f !== null);
}

/** file and every module it imports, transitively (dynamic imports too when dynamic). */
function closure(file: string, dynamic: boolean): string[] {
  const seen = new Set<string>([file]);
  const todo = [file];
  while (todo.length > 0) {
    for (const next of imports(todo.pop()!, dynamic)) {
      if (!seen.has(next) && !tables.includes(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return [...seen];
}

const keyLiteral = /(['"`])([A-Za-z][\w.-]*\.[\w-]*)\1/g;
const prefixLiteral = /(['"`])([A-Za-z][\w.-]*\.)(?:\1|\$\{)/g;

/** The parts whose keys file uses, with the keys that make each necessary. */
function usedKeys(file: string): { key: string; part: Part }[] {
  if (file === './lib/i18n.ts') return [];
  const text = sources[file]!;
  const used: { key: string; part: Part }[] = [];
  for (const m of text.matchAll(keyLiteral)) {
    const part = partOf.get(m[2]!);
    if (part) used.push({ key: m[2]!, part });
  }
  for (const m of text.matchAll(prefixLiteral)) {
    const prefix = m[2]!;
    const parts = new Set([...partOf].filter(([k]) => k.startsWith(prefix)).map(([, p]) => p));
    for (const part of parts) used.push({ key: `${prefix}*`, part });
  }
  return used;
}

/** The keys used by the modules of files that are neither core nor in allowed, as "file: key (area)". */
function outside(files: string[], allowed: readonly Area[]): string[] {
  return files.flatMap((f) =>
    usedKeys(f)
      .filter((u) => u.part !== 'core' && !allowed.includes(u.part))
      .map((u) => `${f}: ${u.key} (${u.part})`),
  );
}

// path -> the page file its route loads, read from the route tables.
const pages = new Map<string, string>();
for (const table of tables) {
  for (const m of sources[table]!.matchAll(/path:\s*'([^']+)',\s*load:\s*\(\)\s*=>\s*import\('([^']+)'\)/g)) {
    pages.set(m[1]!, resolveImport(table, m[2]!)!);
  }
}

describe('strings of each route', () => {
  it('finds every route, its page and the area catalogues', () => {
    expect(routes.length).toBeGreaterThan(40);
    for (const r of routes) expect(pages.get(r.path), r.path).toBeTruthy();
    expect(Object.keys(catalogues).sort()).toEqual(['core', ...areas].sort());
    // the scan itself: Home's dashboard uses a learn component
    expect(outside(closure('./pages/Home.svelte', true), [])).not.toEqual([]);
  });

  it('the shell (main.ts and what it imports, bar the pages) needs only core strings', () => {
    expect(outside(closure('./main.ts', false), [])).toEqual([]);
  });

  it('the forbidden page needs only core strings', () => {
    expect(forbidden.title in sr).toBe(true);
    expect(outside(closure('./pages/Forbidden.svelte', true), [])).toEqual([]);
  });

  it.each(routes.map((r) => [r.path, r] as const))('%s loads the areas of every key it uses', (_, route) => {
    const allowed = route.areas ?? [];
    const titlePart = partOf.get(route.title);
    expect(titlePart === 'core' || allowed.includes(titlePart as Area), `title ${route.title} (${titlePart})`).toBe(true);
    expect(outside(closure(pages.get(route.path)!, true), allowed)).toEqual([]);
  });
});
