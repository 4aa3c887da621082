import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { pickLocale, setLocale } from './lib/i18n';
import { loadLocale } from './lib/prefs';

setLocale(pickLocale(loadLocale(), navigator.languages));
mount(App, { target: document.getElementById('app')! });
