// Svelte compiler options shared by Vite, svelte-check and editors.
export default {
  compilerOptions: {
    // Component styles become part of the extracted stylesheet; nothing is injected at run time.
    css: 'external',
  },
};
