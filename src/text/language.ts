// Language detection for the two languages kizashi reads: Japanese and English, and texts that mix them.

export type Lang = 'ja' | 'en' | 'und';

export interface LanguageGuess {
  readonly lang: Lang;
  /** True when both scripts carry a real share of the letters (Japanese prose quoting English names is normal). */
  readonly mixed: boolean;
}

/** True for hiragana, katakana (full and half width) and CJK ideographs. */
export function isJapaneseChar(code: number): boolean {
  return (
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xff66 && code <= 0xff9f)
  );
}

/** The characters isJapaneseChar accepts, as one character class (a regex scan is the fast way over long text). */
const JAPANESE_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]/;

/** True when `text` has any hiragana, katakana or kanji. */
export function hasJapanese(text: string): boolean {
  return JAPANESE_CHAR.test(text);
}

/** True for ASCII letters and digits, and their full-width forms. */
export function isLatinAlnum(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) ||
    (code >= 0xff10 && code <= 0xff19) ||
    (code >= 0xff21 && code <= 0xff3a) ||
    (code >= 0xff41 && code <= 0xff5a)
  );
}

/**
 * Guess the language of `text` from its scripts. Japanese wins when kana or kanji make up a fifth of the
 * letters: Japanese news is full of English names, English news rarely has any kana.
 * @example detectLanguage('米国のCISAは…').lang // 'ja'
 */
export function detectLanguage(text: string): LanguageGuess {
  let ja = 0;
  let latin = 0;
  const limit = Math.min(text.length, 20_000);
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (isJapaneseChar(c)) ja++;
    else if (isLatinAlnum(c) && !(c >= 0x30 && c <= 0x39) && !(c >= 0xff10 && c <= 0xff19)) latin++;
  }
  const total = ja + latin;
  if (total === 0) return { lang: 'und', mixed: false };
  const jaShare = ja / total;
  // Kanji-heavy Japanese is denser than English; weigh a Japanese character like ~3 Latin letters.
  const weighted = (ja * 3) / (ja * 3 + latin);
  const lang: Lang = jaShare >= 0.2 || (ja > 0 && weighted >= 0.5) ? 'ja' : 'en';
  return { lang, mixed: weighted > 0.1 && weighted < 0.9 };
}
