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
  // Output code units and offsets go to typed arrays reused from call to call (a few extra slots: NFKC can expand a
  // character), then are copied out at their length: allocating them per call cost more than folding a short text
  // (typed arrays over 64 bytes live outside the heap, and each costs about a microsecond to allocate).
  // The loop keeps them in locals, not in variables shared with helper closures: it runs over every character of
  // every document.
  if (scratch.units.length < n + 32) scratch = newScratch(n + 32);
  let { units, starts, ends } = scratch;
  let cap = units.length;
  let len = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (len + 18 >= cap) {
      // NFKC expands one character to at most 18 units (only expansions use the slack: ASCII and kana do not).
      cap = cap * 2 + 18;
      units = grown(units, new Uint16Array(cap));
      starts = grown(starts, new Int32Array(cap));
      ends = grown(ends, new Int32Array(cap));
      scratch = { units, starts, ends };
    }
    if (c < 0x80) {
      if (ASCII_SPACE[c] === 0) {
        units[len] = c >= 0x41 && c <= 0x5a ? c + 32 : c;
        starts[len] = i;
        ends[len++] = i + 1;
      } else if (len > 0 && units[len - 1] !== 0x20) {
        units[len] = 0x20;
        starts[len] = i;
        ends[len++] = i + 1;
      }
      i++;
      continue;
    }
    if (isStableCjk(c)) {
      units[len] = c;
      starts[len] = i;
      ends[len++] = ++i;
      continue;
    }
    // One code point, plus a following half-width voiced sound mark, normalised together.
    let j = i + 1;
    let piece: string;
    if (SPACES.has(c)) piece = ' ';
    else {
      if (c >= 0xd800 && c <= 0xdbff && j < n) j++;
      const next = text.charCodeAt(j);
      if (next === 0xff9e || next === 0xff9f) j++;
      piece = DROPPED.has(c) ? '' : text.slice(i, j).normalize('NFKC').toLowerCase();
    }
    for (let k = 0; k < piece.length; k++) {
      const code = piece.charCodeAt(k);
      if (SPACES.has(code)) {
        if (len === 0 || units[len - 1] === 0x20) continue;
        units[len] = 0x20;
        starts[len] = i;
        ends[len++] = i + 1;
      } else if (!DROPPED.has(code)) {
        units[len] = code;
        starts[len] = i;
        ends[len++] = j;
      }
    }
    i = j;
  }
  const folded = { text: UTF16.decode(units.subarray(0, len)), start: starts.slice(0, len), end: ends.slice(0, len) };
  // Scratch space grown for one very long text is not kept.
  if (cap > SCRATCH_KEPT) scratch = newScratch(1024);
  return folded;
}

/** The reused output arrays of foldText. */
interface Scratch {
  units: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
}
const SCRATCH_KEPT = 1 << 21;
const newScratch = (size: number): Scratch => ({ units: new Uint16Array(size), starts: new Int32Array(size), ends: new Int32Array(size) });
let scratch = newScratch(1024);

/** `into` (a larger array) holding `from`'s elements first. */
function grown<T extends Uint16Array | Int32Array>(from: T, into: T): T {
  into.set(from);
  return into;
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
