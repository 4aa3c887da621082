import { areas, loadAreas } from './i18n';

// Unit tests start with every area's strings at hand, as if each had been loaded with its page
// (routes.test.ts checks statically that each route loads the areas it needs).
await loadAreas(areas);
