import { describe, expect, it } from 'vitest';

// The CSP (style-src 'self') refuses style attributes, style: directives and transitions. The
// charts in particular must set their geometry through SVG attributes and colour through classes.
const sources = import.meta.glob<string>(['../components/ops/*.svelte', '../pages/ops/*.svelte'], { query: '?raw', import: 'default', eager: true });
const files = Object.keys(sources);

describe('ops components keep within the CSP', () => {
  it('finds the components', () => {
    expect(files).toContain('../components/ops/BarChart.svelte');
    expect(files).toContain('../components/ops/Heatmap.svelte');
  });

  it.each(files)('%s has no style attribute, style: directive or transition', (file) => {
    const markup = sources[file]!.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<script[\s\S]*?<\/script>/g, '');
    expect(markup).not.toMatch(/\sstyle\s*=/);
    expect(markup).not.toMatch(/\sstyle:/);
    expect(markup).not.toMatch(/\s(?:transition|in|out|animate):/);
  });
});
