// Serbian transliteration. Cyrillic is the source script of every Serbian string; Latin is
// derived from it, so toLatin must be exact. toCyrillic is the best-effort inverse for text a
// person typed in Latin: it converts Serbian words and leaves alone what is clearly not Serbian.

const cyrToLat: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', ђ: 'đ', е: 'e', ж: 'ž', з: 'z', и: 'i',
  ј: 'j', к: 'k', л: 'l', љ: 'lj', м: 'm', н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r',
  с: 's', т: 't', ћ: 'ć', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'č', џ: 'dž', ш: 'š',
};

const isUpper = (ch: string | undefined): boolean =>
  ch !== undefined && ch !== ch.toLowerCase() && ch === ch.toUpperCase();

const isLetter = (ch: string | undefined): boolean => ch !== undefined && /\p{L}/u.test(ch);

/** Converts Serbian Cyrillic to Serbian Latin, exactly. Other characters pass through. */
export function toLatin(text: string): string {
  const chars = Array.from(text);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const lower = ch.toLowerCase();
    const lat = cyrToLat[lower];
    if (lat === undefined) {
      out += ch;
    } else if (ch === lower) {
      out += lat;
    } else if (lat.length === 1) {
      out += lat.toUpperCase();
    } else {
      // Љ, Њ, Џ: "Lj" in a capitalised word, "LJ" when the word is written in capitals.
      const next = chars[i + 1];
      const allCaps = isLetter(next) ? isUpper(next) : isUpper(chars[i - 1]);
      out += allCaps ? lat.toUpperCase() : lat[0]!.toUpperCase() + lat.slice(1);
    }
  }
  return out;
}

const latToCyr: Record<string, string> = {
  a: 'а', b: 'б', c: 'ц', č: 'ч', ć: 'ћ', d: 'д', đ: 'ђ', e: 'е', f: 'ф', g: 'г',
  h: 'х', i: 'и', j: 'ј', k: 'к', l: 'л', m: 'м', n: 'н', o: 'о', p: 'п', r: 'р',
  s: 'с', š: 'ш', t: 'т', u: 'у', v: 'в', z: 'з', ž: 'ж',
  lj: 'љ', nj: 'њ', dž: 'џ',
  // The single-code-point digraph letters (U+01C4..U+01CC), all case forms.
  ǆ: 'џ', ǅ: 'Џ', Ǆ: 'Џ', ǉ: 'љ', ǈ: 'Љ', Ǉ: 'Љ', ǌ: 'њ', ǋ: 'Њ', Ǌ: 'Њ',
};

// Word stems in which "nj", "lj" or "dž" are two letters, not one (kon-junkcija, nad-živeti).
// Each entry is the stem and the index, inside it, of the first letter of the false digraph.
const falseDigraphs: ReadonlyArray<readonly [string, number]> = [
  ['konjug', 2], ['konjunk', 2], ['injek', 1], ['injunk', 1], ['vanjez', 2], ['tanjug', 2],
  ['nadživ', 2], ['nadžnj', 2], ['nadžir', 2], ['podžup', 2], ['podžanr', 2], ['odžal', 1],
  ['odživ', 1], ['predživ', 3],
];

// Text that must never be transliterated: code spans, URLs, e-mail addresses, bare domain names
// and {placeholders} of message templates.
const protectedSpan = new RegExp(
  [
    '`[^`]*`',
    '\\b(?:[a-z][a-z0-9+.-]*:\\/\\/|www\\.)[^\\s<>"]+',
    '[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)+',
    '\\b[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.(?:rs|com|org|net|eu|int|gov|edu|info|io|me|ba|hr|de|uk)\\b',
    '\\{[A-Za-z0-9_]+\\}',
  ].join('|'),
  'giu',
);

// A word is a run of letters; Serbian Latin letters are a-z without q, w, x, y, plus čćđšž and
// the digraph letters.
const word = /\p{L}+/gu;
const serbianLatin = /^[a-pr-vzčćđšžǄ-ǌ]+$/iu;
const cyrillic = /\p{Script=Cyrillic}/u;

/** The language tag of a Serbian text: in Cyrillic if it has a Cyrillic letter, else in Latin. */
export function serbianTag(text: string): 'sr-Cyrl' | 'sr-Latn' {
  return cyrillic.test(text) ? 'sr-Cyrl' : 'sr-Latn';
}

/** Converts Serbian Latin to Cyrillic, leaving foreign words, URLs, addresses and code alone. */
export function toCyrillic(text: string): string {
  text = text.normalize('NFC'); // "z" + combining caron becomes "ž"
  let out = '';
  let last = 0;
  for (const m of text.matchAll(protectedSpan)) {
    out += convertWords(text.slice(last, m.index));
    out += m[0];
    last = m.index + m[0].length;
  }
  return out + convertWords(text.slice(last));
}

function convertWords(text: string): string {
  return text.replace(word, (w) => (looksSerbian(w) ? wordToCyrillic(w) : w));
}

function looksSerbian(w: string): boolean {
  if (!serbianLatin.test(w) || cyrillic.test(w)) return false;
  // An upper-case letter after a lower-case one (iPhone, JavaScript) is not Serbian spelling.
  return !/\p{Ll}\p{Lu}/u.test(w);
}

function wordToCyrillic(w: string): string {
  const lower = w.toLowerCase();
  const split = new Set<number>();
  for (const [stem, at] of falseDigraphs) {
    for (let i = lower.indexOf(stem); i >= 0; i = lower.indexOf(stem, i + 1)) split.add(i + at);
  }
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const pair = lower.slice(i, i + 2);
    if (!split.has(i) && (pair === 'lj' || pair === 'nj' || pair === 'dž')) {
      out += caseLike(latToCyr[pair]!, w[i]!);
      i++;
      continue;
    }
    const ch = w[i]!;
    // Lower-case letters and the digraph letters (in each case form) map directly.
    const direct = latToCyr[ch];
    const upper = latToCyr[ch.toLowerCase()];
    out += direct ?? (upper === undefined ? ch : upper.toUpperCase());
  }
  return out;
}

function caseLike(cyr: string, latin: string): string {
  return isUpper(latin) ? cyr.toUpperCase() : cyr;
}
