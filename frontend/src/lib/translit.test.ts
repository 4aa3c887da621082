import { describe, expect, it } from 'vitest';
import { toCyrillic, toLatin } from './translit';

describe('toLatin', () => {
  it.each([
    ['абвгдђежзијклљмнњопрстћуфхцчџш', 'abvgdđežzijklljmnnjoprstćufhcčdžš'],
    ['АБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ', 'ABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ'],
    ['Љубав', 'Ljubav'],
    ['ЉУБАВ', 'LJUBAV'],
    ['Њива и Џеп', 'Njiva i Džep'],
    ['ЊИВА И ЏЕП', 'NJIVA I DŽEP'],
    ['ПОЉЕ', 'POLJE'],
    ['НАЏ', 'NADŽ'],
    ['Љ', 'Lj'],
    ['Џ.', 'Dž.'],
    ['Препознај: обука за трговину људима', 'Prepoznaj: obuka za trgovinu ljudima'],
    ['Ћирилица, ђак, чаша, шума, жаба', 'Ćirilica, đak, čaša, šuma, žaba'],
    ['верзија {version}, https://пример.rs', 'verzija {version}, https://primer.rs'],
    ['English stays, 42 too', 'English stays, 42 too'],
  ])('%s', (cyr, lat) => {
    expect(toLatin(cyr)).toBe(lat);
  });
});

describe('toCyrillic', () => {
  it.each([
    ['abvgdđežzijklljmnnjoprstćufhcčdžš', 'абвгдђежзијклљмнњопрстћуфхцчџш'],
    ['Ljubav', 'Љубав'],
    ['LJUBAV', 'ЉУБАВ'],
    ['Njiva i Džep', 'Њива и Џеп'],
    ['NJIVA I DŽEP', 'ЊИВА И ЏЕП'],
    ['ǈubav ǌiva ǆep', 'Љубав њива џеп'],
    ['dz\u030Cep', 'џеп'],
    ['Prepoznaj: obuka za trgovinu ljudima', 'Препознај: обука за трговину људима'],
    ['konjunkcija, injekcija, nadživeti', 'конјункција, инјекција, надживети'],
    ['Konjugacija i Tanjug', 'Конјугација и Танјуг'],
    ['Piši na info@prepoznaj.rs ili posjeti https://www.prepoznaj.rs/o-nama.',
      'Пиши на info@prepoznaj.rs или посјети https://www.prepoznaj.rs/o-nama.'],
    ['Vidi prepoznaj.rs danas', 'Види prepoznaj.rs данас'],
    ['Pokreni `go run ./cmd` sada', 'Покрени `go run ./cmd` сада'],
    ['Word, Excel i Yahoo', 'Word, Excel и Yahoo'],
    ['Na iPhone i JavaScript', 'На iPhone и JavaScript'],
    ['Zdravo, {name}!', 'Здраво, {name}!'],
    ['Već ćirilica ostaje', 'Већ ћирилица остаје'],
    ['mešano: ćirилица', 'мешано: ćirилица'],
  ])('%s', (lat, cyr) => {
    expect(toCyrillic(lat)).toBe(cyr);
  });

  it('round-trips Cyrillic through Latin', () => {
    const cyr = 'ЉУДИ, Њихова Џамија, ђачка ћуприја, чешће шуме и жабе';
    expect(toCyrillic(toLatin(cyr))).toBe(cyr);
  });
});
