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
 * Where a marker or a URL's "://" can start: a bracket, "h"/"f" followed by "x" or "*", a full-width form. The scan
 * jumps from one such place to the next (outside URL hosts, nothing else can change).
 */
const CANDIDATE = /:\/\/|[[({]|[hf][x*]|[\uff01-\uff5e]/gi;

/** 0, 1, 2, …: the offset maps of a text that refanging leaves unchanged are views of it (kept up to 1M characters). */
let identity = new Int32Array(0);
function identityUpTo(n: number): Int32Array {
  if (identity.length >= n) return identity;
  const ids = new Int32Array(n <= 1 << 20 ? Math.min(1 << 20, Math.max(n, identity.length * 2)) : n);
  for (let k = 0; k < ids.length; k++) ids[k] = k;
  if (ids.length <= 1 << 20) identity = ids;
  return ids;
}

/**
 * Refang `text`, keeping offsets. The offset maps are read-only (they may be shared between texts).
 * @example refangText('hxxps://evil[.]com').text // 'https://evil.com'
 */
export function refangText(text: string): RefangedText {
  const n = text.length;
  // Replacements as (original from, original to, new text), in order ("://" too: its characters map to its span).
  const edits: { from: number; to: number; s: string }[] = [];
  const push = (s: string, from: number, to: number): void => {
    edits.push({ from, to, s });
  };
  let i = 0;
  // Inside a URL's host (after "://", until "/", ":" or a space), "," and a stray "[" are defang marks too:
  // http://example,com/, http://[example.com, http://example[.com/.
  let hostUntil = -1;
  while (i < n) {
    if (i >= hostUntil) {
      CANDIDATE.lastIndex = i;
      const next = CANDIDATE.exec(text);
      if (!next) break;
      i = next.index;
    }
    const c = text.charCodeAt(i);
    if (c === 0x3a && text.startsWith('://', i)) {
      const after = text.slice(i + 3, i + 300);
      const hostLen = after.search(/[/\s?#]|$/);
      hostUntil = i + 3 + hostLen;
      push('://', i, i + 3);
      i += 3;
      const bracketed = /^\[[0-9a-f:.]+\]/i.test(after);
      if (text[i] === '[' && !bracketed) {
        push('', i, i + 1); // drop the stray bracket
        i++;
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
  const ids = identityUpTo(n + 1);
  if (edits.length === 0) return { text, start: ids.subarray(0, n), end: ids.subarray(1, n + 1) };
  // Unchanged characters are copied in runs (one slice per run), each replacement's characters map to its span.
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  const parts: string[] = [];
  let len = 0;
  let copied = 0;
  const copyUpTo = (upTo: number): void => {
    if (upTo <= copied) return;
    start.set(ids.subarray(copied, upTo), len);
    end.set(ids.subarray(copied + 1, upTo + 1), len);
    len += upTo - copied;
    parts.push(text.slice(copied, upTo));
  };
  for (const e of edits) {
    copyUpTo(e.from);
    for (let k = 0; k < e.s.length; k++) {
      start[len] = e.from;
      end[len] = e.to;
      len++;
    }
    parts.push(e.s);
    copied = e.to;
  }
  copyUpTo(n);
  return { text: parts.join(''), start: start.subarray(0, len), end: end.subarray(0, len) };
}
