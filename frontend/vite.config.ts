/// <reference types="vitest/config" />
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

// The Go server the dev server (and `vite preview`) forwards API calls to.
const backend = process.env.PREPOZNAJ_BACKEND ?? 'http://localhost:8080';
const proxy = { '/api': backend, '/healthz': backend, '/readyz': backend };

export default defineConfig({
  plugins: [svelte(), precompress()],
  base: '/',
  // Unit tests need Svelte's client runtime (where effects run), not the server one; see also
  // vitest-client-env.ts.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : {},
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 4173, strictPort: true, proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One stylesheet linked from index.html: no <style> or <link> is ever injected at run time,
    // which keeps the app inside the server's CSP (style-src 'self') and free of style flashes.
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: './vitest-client-env.ts',
    setupFiles: ['./src/lib/i18n.setup.ts'],
  },
});

const compressible = /\.(?:html|js|mjs|css|svg|json|txt|webmanifest|map)$/;

// Writes a .gz beside every text file of the build so the Go server can send it as is. gzip at
// level 9 with node's zlib, whose header carries no file name and a zero mtime: the same input
// gives the same bytes, so the committed dist/ can be checked for freshness.
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'prepoznaj:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    async closeBundle() {
      for (const file of await listFiles(outDir)) {
        if (!compressible.test(file)) continue;
        const gz = gzipSync(await readFile(file), { level: 9 });
        await writeFile(`${file}.gz`, gz);
      }
    },
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
