import type { Environment } from 'vitest/environments';

// Unit tests run in plain node (no DOM emulation), but modules are transformed as for the
// browser: Svelte components and .svelte.ts files then use the client runtime, where $effect
// runs, instead of the server one.
export default {
  name: 'node-client',
  viteEnvironment: 'client',
  setup() {
    return { teardown() {} };
  },
} satisfies Environment;
