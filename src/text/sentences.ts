// Sentence segmentation for Japanese and English in one pass, with offsets into the original text.
//
// A hand-written scanner rather than Intl.Segmenter: the latter is pathologically slow on long strings in
// Node 20 and splits after abbreviations such as "U.S." that security news uses constantly.

export interface Sentence {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'vs',
  'etc',
  'inc',
  'corp',
  'ltd',
  'co',
  'llc',
  'no',
  'nos',
  'fig',
  'figs',
  'vol',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'e.g',
  'i.e',
  'u.s',
  'u.k',
  'u.n',
  'approx',
  'dept',
  'gov',
  'govt',
  'est',
  'al',
  'cf',
  'ver',
  'rev',
]);

const CLOSERS = new Set(['"', "'", ')', ']', '」', '』', '）', '”', '’', '】']);

/** What may end a headline's clause: kana, kanji, a closing bracket, a digit or a Latin letter (「…を採択」, 「LockBit」). */
const HEADLINE_CLAUSE_END = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー」』）\w]/u;

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\u3000' || ch === '\u00a0';
}

/** True when the "." at `i` ends a sentence rather than an abbreviation, a number or a domain. */
function periodEndsSentence(text: string, i: number): boolean {
  const next = text[i + 1];
  if (next !== undefined && !isSpace(next) && !CLOSERS.has(next) && next !== '\n' && next !== '\r') return false;
  // Word before the period.
  let k = i - 1;
  while (k >= 0 && /[A-Za-z.]/.test(text[k] ?? '')) k--;
  const word = text.slice(k + 1, i).toLowerCase();
  if (ABBREVIATIONS.has(word)) return false;
  if (/^[a-z]$/i.test(word) && /[A-Z]/.test(text[i - 1] ?? '')) return false; // an initial: "J. Smith"
  // Next non-space character should start a sentence.
  let m = i + 1;
  while (m < text.length && (isSpace(text[m]) || CLOSERS.has(text[m] ?? ''))) m++;
  const after = text[m];
  if (after === undefined || after === '\n' || after === '\r') return true;
  return !/[a-z,;:]/.test(after);
}

/**
 * Split `text` into sentences. Line breaks always end a sentence (headlines, list items, paragraphs).
 * @example splitSentences('APT41 struck. 米国が標的。').map((s) => s.text) // ['APT41 struck.', '米国が標的。']
 */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  const emit = (end: number): void => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s] ?? '')) s++;
    while (e > s && /\s/.test(text[e - 1] ?? '')) e--;
    if (e > s) out.push({ start: s, end: e, text: text.slice(s, e) });
    start = end;
  };
  let quoteDepth = 0;
  // Whether the current line is a Japanese headline: no 。 in it (found once per line, when first needed).
  let lineStart = 0;
  let headline: boolean | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      emit(i);
      start = i + 1;
      lineStart = i + 1;
      headline = undefined;
      quoteDepth = 0;
      continue;
    }
    // A headline's clauses are set apart by an ideographic space, U+3000 (「国連総会、条約を採択 人権団体は懸念表明」): each
    // is a sentence of its own, with its own subject. In running text such a space may sit inside a name (山田 太郎).
    if (ch === '\u3000' && quoteDepth === 0 && i - start >= 4 && HEADLINE_CLAUSE_END.test(text[i - 1] ?? '') && !isSpace(text[i + 1])) {
      if (headline === undefined) {
        const end = text.indexOf('\n', i);
        headline = !text.slice(lineStart, end === -1 ? text.length : end).includes('。');
      }
      if (headline) {
        emit(i);
        continue;
      }
    }
    if (ch === '「' || ch === '『') quoteDepth++;
    else if ((ch === '」' || ch === '』') && quoteDepth > 0) quoteDepth--;
    if (quoteDepth > 0) continue; // a quotation inside a Japanese sentence does not end it
    let endsHere = false;
    if (ch === '。' || ch === '！' || ch === '？' || ch === '!' || ch === '?') endsHere = true;
    else if (ch === '.') endsHere = periodEndsSentence(text, i);
    if (!endsHere) continue;
    let j = i + 1;
    while (j < text.length && CLOSERS.has(text[j] ?? '')) j++;
    emit(j);
    i = j - 1;
  }
  emit(text.length);
  return out;
}
