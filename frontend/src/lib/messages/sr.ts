import type { Message } from '../i18n';

// Serbian UI strings, written in Cyrillic only: the Latin script is derived by transliteration.
// This catalogue defines the keys; every other language must have exactly the same ones.
export const sr = {
  'app.name': 'Препознај',
  'app.tagline': 'Обука за професионалце који први сусрећу жртве трговине људима.',
  'app.audience':
    'За полицију, судије и тужиоце, наставнике, лекаре и медицинске сестре, инспекторе рада и социјалне раднике.',
  'app.footer': 'Препознај помаже да се жртве трговине људима препознају на време.',
  'nav.skip': 'Пређи на садржај',
  'lang.label': 'Језик и писмо',
  'home.title': 'Почетна',
  'health.heading': 'Стање система',
  'health.checking': 'Провера стања сервиса…',
  'health.ok': 'Сервис ради.',
  'health.down': 'Сервис тренутно није доступан.',
  'health.version': 'Верзија {version}',
  'health.checkedAt': 'Проверено у {time}',
  'health.retry': 'Провери поново',
  'page.loading': 'Учитавање…',
  'page.loadFailed': 'Страница није учитана. Проверите везу и покушајте поново.',
  'page.reload': 'Учитај поново',
  'notFound.title': 'Страница није пронађена',
  'notFound.body': 'Страница коју тражите не постоји или је премештена.',
  'notFound.home': 'Назад на почетну страницу',
  'error.network': 'Сервер није доступан. Проверите везу.',
  'error.generic': 'Нешто није у реду. Покушајте поново.',
} as const satisfies Record<string, Message>;
