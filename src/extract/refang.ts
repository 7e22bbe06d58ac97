// A refanged view of a text for indicator matching: defang markers ("[.]", "(dot)", "hxxp", "[@]") and
// full-width forms (１９８．５１．１００．２３) are normalised, with a map back to the original offsets.
// Only the markers themselves change, so prose such as "0. It" is never glued into a false domain.

export interface RefangedText {
  readonly text: string;
  /** Original start offset of each character of `text`. */
  readonly start: Int32Array;
  /** Original end offset (exclusive) of each character of `text`. */
  readonly end: Int32Array;
}

/** Marker → replacement, longest first. Case-insensitive. */
const MARKERS: readonly (readonly [string, string])[] = [
  ['[dot]', '.'],
  ['(dot)', '.'],
  ['{dot}', '.'],
  ['[.]', '.'],
  ['(.)', '.'],
  ['{.}', '.'],
  ['[:]', ':'],
  ['[://]', '://'],
  ['[/]', '/'],
  ['[@]', '@'],
  ['(@)', '@'],
  ['[at]', '@'],
  ['(at)', '@'],
  ['hxxps', 'https'],
  ['hxxp', 'http'],
  ['hxtps', 'https'],
  ['hxtp', 'http'],
  ['h**ps', 'https'],
  ['h**p', 'http'],
  ['fxp', 'ftp'],
];

const MAX_MARKER = Math.max(...MARKERS.map(([m]) => m.length));

/**
 * Refang `text`, keeping offsets.
 * @example refangText('hxxps://evil[.]com').text // 'https://evil.com'
 */
export function refangText(text: string): RefangedText {
  const n = text.length;
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  const parts: string[] = [];
  let len = 0;
  // Unchanged characters are copied in runs (one slice per run), replacements one by one.
  let runStart = 0;
  const flush = (upTo: number): void => {
    if (upTo <= runStart) return;
    for (let k = runStart; k < upTo; k++) {
      start[len] = k;
      end[len] = k + 1;
      len++;
    }
    parts.push(text.slice(runStart, upTo));
  };
  const push = (s: string, from: number, to: number): void => {
    flush(from);
    for (let k = 0; k < s.length; k++) {
      start[len] = from;
      end[len] = to;
      len++;
    }
    parts.push(s);
    runStart = to;
  };
  let i = 0;
  // Inside a URL's host (after "://", until "/", ":" or a space), "," and a stray "[" are defang marks too:
  // http://example,com/, http://[example.com, http://example[.com/.
  let hostUntil = -1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x3a && text.startsWith('://', i)) {
      const after = text.slice(i + 3, i + 300);
      const hostLen = after.search(/[/\s?#]|$/);
      hostUntil = i + 3 + hostLen;
      push('://', i, i + 3);
      i += 3;
      const bracketed = /^\[[0-9a-f:.]+\]/i.test(after);
      if (text[i] === '[' && !bracketed) {
        i++;
        runStart = i; // drop the stray bracket
      }
      continue;
    }
    if (i < hostUntil && c === 0x2c && /[a-z0-9]/i.test(text[i - 1] ?? '') && /[a-z0-9]/i.test(text[i + 1] ?? '')) {
      push('.', i, i + 1);
      i++;
      continue;
    }
    if (i < hostUntil && c === 0x5b && text[i + 1] === '.' && text[i + 2] !== ']') {
      push('.', i, i + 2);
      i += 2;
      continue;
    }
    // Markers start with one of [ ( { h H f F; "hxxp", "h**p" and "fxp" go on with x or * (most h and f do not:
    // checked first, as they are common letters).
    const letter = c === 0x68 || c === 0x48 || c === 0x66 || c === 0x46;
    const second = text.charCodeAt(i + 1) | 0x20;
    if (letter ? second === 0x78 || second === 0x2a : c === 0x5b || c === 0x28 || c === 0x7b) {
      const window = text.slice(i, i + MAX_MARKER).toLowerCase();
      const hit = MARKERS.find(([m]) => window.startsWith(m));
      // "hxxp" only at a word start; brackets only next to a word character (not "[.]" in prose lists).
      if (hit && (c !== 0x68 && c !== 0x48 && c !== 0x66 && c !== 0x46 ? true : !/[A-Za-z0-9]/.test(text[i - 1] ?? ''))) {
        push(hit[1], i, i + hit[0].length);
        i += hit[0].length;
        continue;
      }
    }
    if (c >= 0xff01 && c <= 0xff5e) {
      // Full-width ASCII (１９８．５１, ＠, ：, ／) → ASCII, one for one.
      push(String.fromCharCode(c - 0xfee0), i, i + 1);
      i++;
      continue;
    }
    i++;
  }
  flush(n);
  return { text: parts.join(''), start: start.subarray(0, len), end: end.subarray(0, len) };
}
