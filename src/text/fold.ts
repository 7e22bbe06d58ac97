// Folds text into the form the gazetteer matches on, keeping a map back to the original offsets.
//
// Folding: Unicode NFKC (full-width ASCII and digits, half-width katakana), lowercase; runs of spaces, hyphens
// and underscores become one space; the katakana middle dot (・), the long-vowel mark (ー) and zero-width
// characters are removed. So "Earth-Estries", "earth  estries", "トレーダー・トレイター" and "トレイダートレイター"
// meet their aliases, while "do not" never meets "DoNot". Offsets always refer to the original text.

import { boundedMemo } from '../core/memo.js';
import { isLatinAlnum } from './language.js';

export interface FoldedText {
  /** The folded string the matcher runs over. */
  readonly text: string;
  /** For each folded UTF-16 unit: start offset of the original character it came from. */
  readonly start: Int32Array;
  /** For each folded UTF-16 unit: end offset (exclusive) of the original character it came from. */
  readonly end: Int32Array;
}

const SPACES = new Set([
  0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c, 0xa0, 0x3000, 0x2d, 0x5f, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212,
]);
const DROPPED = new Set([0x30fb, 0xff65, 0x30fc, 0xff70, 0x200b, 0xfeff]);
/** ASCII fast path: 1 for characters that fold to a space. */
const ASCII_SPACE = Uint8Array.from({ length: 128 }, (_, c) => (SPACES.has(c) ? 1 : 0));
/** Folded units back to a string in one call (a lone surrogate becomes U+FFFD: one unit for one, offsets stay aligned). */
const UTF16 = new TextDecoder('utf-16le', { ignoreBOM: true });

/** True for characters that folding deletes or turns into a space. */
export function isDroppedChar(code: number): boolean {
  return DROPPED.has(code) || SPACES.has(code);
}

/** Characters that NFKC and lowercasing leave as they are: skip the (slow) normalisation for them. */
function isStableCjk(c: number): boolean {
  return (c >= 0x3041 && c <= 0x30fa) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}

/**
 * Fold `text` for matching, keeping offsets.
 * @example foldText('ＡＰＴ４１').text // 'apt41'
 */
export function foldText(text: string): FoldedText {
  const n = text.length;
  // Output code units and offsets in typed arrays (a few extra slots: NFKC can expand a character).
  let cap = n + 16;
  let units = new Uint16Array(cap);
  let startArr = new Int32Array(cap);
  let endArr = new Int32Array(cap);
  let len = 0;
  const grow = (): void => {
    cap *= 2;
    const u = new Uint16Array(cap);
    u.set(units);
    units = u;
    const ns = new Int32Array(cap);
    ns.set(startArr);
    startArr = ns;
    const ne = new Int32Array(cap);
    ne.set(endArr);
    endArr = ne;
  };
  const put = (code: number, from: number, to: number): void => {
    if (len >= cap) grow();
    units[len] = code;
    startArr[len] = from;
    endArr[len] = to;
    len++;
  };
  const space = (from: number): void => {
    if (len > 0 && units[len - 1] !== 0x20) put(0x20, from, from + 1);
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (ASCII_SPACE[c] === 1) space(i);
      else put(c >= 0x41 && c <= 0x5a ? c + 32 : c, i, i + 1);
      i++;
      continue;
    }
    if (SPACES.has(c)) {
      space(i);
      i++;
      continue;
    }
    if (isStableCjk(c)) {
      put(c, i, i + 1);
      i++;
      continue;
    }
    // One code point, plus a following half-width voiced sound mark, normalised together.
    let j = i + (c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1);
    const next = text.charCodeAt(j);
    if (next === 0xff9e || next === 0xff9f) j++;
    if (DROPPED.has(c)) {
      i = j;
      continue;
    }
    const piece = text.slice(i, j).normalize('NFKC').toLowerCase();
    for (let k = 0; k < piece.length; k++) {
      const code = piece.charCodeAt(k);
      if (SPACES.has(code)) space(i);
      else if (!DROPPED.has(code)) put(code, i, j);
    }
    i = j;
  }
  const out = UTF16.decode(units.subarray(0, len));
  return { text: out, start: startArr.subarray(0, len), end: endArr.subarray(0, len) };
}

/** Fold a single alias or term (no offsets needed): the folded text without leading or trailing spaces. */
export function foldTerm(term: string): string {
  return term.length > 200 ? foldTextTrimmed(term) : foldShortTerm(term);
}
const foldTextTrimmed = (term: string): string => foldText(term).text.trim();
/** The KB's aliases are folded many times while it is built: short terms are remembered. */
const foldShortTerm = boundedMemo(200_000, foldTextTrimmed);

/** In `insideLatinWord`: the character and the one before it are Latin letters or digits. */
export const INSIDE_WORD = 1;
/** In `insideLatinWord`: … and the character is an ASCII letter. */
export const INSIDE_WORD_AT_LETTER = 2;
const insideWordMaps = new WeakMap<FoldedText, Uint8Array>();
const ASCII_ALNUM = Uint8Array.from({ length: 128 }, (_, c) => (isLatinAlnum(c) ? 1 : 0));

/**
 * For each folded unit, whether the original character it came from continues a Latin word (names cannot start
 * there): INSIDE_WORD, plus INSIDE_WORD_AT_LETTER at an ASCII letter; 0 elsewhere. Computed once per folded text
 * and shared by the matchers that scan it.
 */
export function insideLatinWord(text: string, folded: FoldedText): Uint8Array {
  const cached = insideWordMaps.get(folded);
  if (cached) return cached;
  const map = new Uint8Array(folded.text.length);
  // The previous unit's original character, when it is one code unit long: the character before this one's.
  let previousEnd = -1;
  let previousAlnum = false;
  for (let i = 0; i < map.length; i++) {
    const start = folded.start[i] ?? 0;
    const end = folded.end[i] ?? 0;
    const c = text.charCodeAt(start);
    const alnum = c < 128 ? ASCII_ALNUM[c] === 1 : isLatinAlnum(c);
    const before = start === previousEnd ? previousAlnum : isLatinAlnum(text.charCodeAt(start - 1));
    previousEnd = end - start === 1 ? end : -1;
    previousAlnum = alnum;
    if (!alnum || !before) continue;
    map[i] = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? INSIDE_WORD | INSIDE_WORD_AT_LETTER : INSIDE_WORD;
  }
  insideWordMaps.set(folded, map);
  return map;
}
