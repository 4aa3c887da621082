import type { Message, MessageKey } from '../i18n';

export const en: Record<MessageKey, Message> = {
  'app.name': 'Prepoznaj',
  'app.tagline': 'Training for the professionals who are first to meet victims of human trafficking.',
  'app.audience':
    'For police officers, judges and prosecutors, teachers, doctors and nurses, labour inspectors and social workers.',
  'app.footer': 'Prepoznaj helps professionals recognise victims of human trafficking in time.',
  'nav.skip': 'Skip to content',
  'lang.label': 'Language and script',
  'home.title': 'Home',
  'health.heading': 'System status',
  'health.checking': 'Checking the service…',
  'health.ok': 'The service is running.',
  'health.down': 'The service is unavailable right now.',
  'health.version': 'Version {version}',
  'health.checkedAt': 'Checked at {time}',
  'health.retry': 'Check again',
  'page.loading': 'Loading…',
  'page.loadFailed': 'The page could not be loaded. Check your connection and try again.',
  'page.reload': 'Reload',
  'notFound.title': 'Page not found',
  'notFound.body': 'The page you are looking for does not exist or has moved.',
  'notFound.home': 'Back to the home page',
  'error.network': 'The server cannot be reached. Check your connection.',
  'error.generic': 'Something went wrong. Please try again.',
};
