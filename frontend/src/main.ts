import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { pickLocale, setLocale } from './lib/i18n';
import { loadLocale } from './lib/prefs';

// The messages of the chosen language arrive first (Serbian's core is built in, English is
// fetched; each area's strings come with its pages, see routes.ts), so that the first page is
// drawn in its language. Should fetching fail, it is drawn in Serbian.
const start = () => mount(App, { target: document.getElementById('app')! });
setLocale(pickLocale(loadLocale(), navigator.languages)).then(start, start);
