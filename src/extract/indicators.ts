// Indicator extraction: IPs, domains, URLs, emails, hashes, CVEs, ASNs, MACs, wallets, paths, file names,
// registry keys, user agents, ATT&CK ids, TLP labels and YARA rule names — refanged, validated, with offsets.
// One registry of kinds; every regular expression is linear (bounded repetitions, no nested ambiguity), which
// the regexp lint rules and an adversarial-input test check.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { execAll } from '../text/exec-all.js';
import { refangText } from './refang.js';

export type IndicatorKind =
  | 'ipv4'
  | 'ipv4-cidr'
  | 'ipv6'
  | 'domain'
  | 'url'
  | 'email'
  | 'md5'
  | 'sha1'
  | 'sha256'
  | 'sha512'
  | 'ssdeep'
  | 'imphash'
  | 'cve'
  | 'asn'
  | 'mac'
  | 'bitcoin'
  | 'monero'
  | 'ethereum'
  | 'file-path'
  | 'file-name'
  | 'registry-key'
  | 'user-agent'
  | 'attack-id'
  | 'tlp'
  | 'yara-rule';

export interface IndicatorMatch {
  readonly kind: IndicatorKind;
  /** Refanged, normalised value (lowercase domains and hashes, "CVE-2024-1234", "ASN1234", "TLP:AMBER"). */
  readonly value: string;
  readonly start: number;
  readonly end: number;
  /** The text as written (possibly defanged). */
  readonly raw: string;
  /** True when the original carried defang markers or full-width forms. */
  readonly defanged: boolean;
}

const TLDS = new Set((createRequire(import.meta.url)('tlds') as string[]).map((t) => t.toLowerCase()));
/** TLDs that are also common file extensions: "README.md", "setup.py", "payload.zip" are files, not domains. */
const FILE_LIKE_TLDS = new Set([
  'zip',
  'mov',
  'py',
  'sh',
  'pl',
  'rs',
  'md',
  'sc',
  'ws',
  'so',
  'cs',
  'ps',
  'mp',
  'java',
  'app',
  'exe',
  'doc',
]);
const NOT_DOMAINS = new Set(['asp.net', 'vb.net', 'ado.net', 'node.js', 'vue.js', 'next.js', 'react.js']);
const FILE_EXTENSIONS =
  'exe|dll|sys|scr|ps1|psm1|bat|cmd|vbs|vbe|js|jse|hta|lnk|jar|msi|iso|img|vhd|docx?|docm|xlsx?|xlsm|pptx?|pdf|rtf|one|zip|rar|7z|gz|tar|py|sh|elf|bin|dat|tmp|apk|ipa|dmg|pkg|txt|html?|php|aspx?|jsp|cab|chm|wsf|sct|inf|reg|cpl|ocx|drv|xll|appex';

const LABEL =
  '[a-z0-9_\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff](?:[a-z0-9_\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff-]{0,61}[a-z0-9\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff])?';
const DOMAIN_SRC = `(?:${LABEL}\\.){1,12}(?:xn--[a-z0-9-]{1,59}|[a-z\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff]{2,24})`;
const IPV4_SRC = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}';

const RE = {
  ipv4: new RegExp(`(?<![\\d.])${IPV4_SRC}(?:\\/(?:3[0-2]|[12]?\\d))?(?![\\d]|\\.\\d)`, 'g'),
  ipv6: /(?<![\w:.])(?:[0-9a-f]{1,4}|:)(?::[0-9a-f]{0,4}){1,7}(?![\w:])/gi,
  url: new RegExp(
    `(?<![a-z0-9])(?:https?|ftp|sftp|tcp|udp|wss?|smb)://(?:[^\\s/@"'<>]{1,64}@)?(?:\\[[0-9a-f:.]{2,45}\\]|${IPV4_SRC}|${DOMAIN_SRC}|[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7})(?::\\d{1,5})?(?:[/?#][^\\s<>"'\`,「」『』（）、。【】{}|\\u3000-\\u30ff\\u4e00-\\u9fff]{0,2000})?`,
    'giu',
  ),
  bareUrl: new RegExp(
    `(?<![\\w.@/-])(?:${IPV4_SRC}|${DOMAIN_SRC})(?::\\d{1,5})?/[^\\s<>"'\`,「」『』（）、。【】{}|\\u3000-\\u30ff\\u4e00-\\u9fff]{0,2000}`,
    'giu',
  ),
  email: new RegExp(`(?<![\\w.+-])[a-z0-9][a-z0-9._%+-]{0,63}@(?:${DOMAIN_SRC}|\\[${IPV4_SRC}\\])`, 'giu'),
  domain: new RegExp(`(?<![\\w.@/-])${DOMAIN_SRC}(?![\\w-]|\\.[a-z0-9])`, 'giu'),
  domainInUrl: new RegExp(`(?<![\\w.@-])${DOMAIN_SRC}(?![\\w-]|\\.[a-z0-9])`, 'giu'),
  /** Not after "0x": a hexadecimal number or an Ethereum address, no hash. */
  hex: /(?<![0-9a-f])(?<!0x)[0-9a-f]{32,128}(?![0-9a-f])/gi,
  ethereum: /(?<![\w])0x[0-9a-f]{40}(?![\w])/gi,
  ssdeep: /(?<![\w:])\d{1,10}:[a-z0-9/+]{3,128}:[a-z0-9/+]{3,128}(?![\w/+:])/gi,
  cve: /(?<![\w-])cve[-‐ ]?(\d{4})[-‐ ](\d{4,7})(?!\d)/gi,
  asn: /(?<![\w-])(?:(asn) ?|(as) ?)(\d{1,10})(?!\w|\.\d)/gi,
  mac: /(?<![\w:-])(?:[0-9a-f]{2}([:-])[0-9a-f]{2}\1[0-9a-f]{2}\1[0-9a-f]{2}\1[0-9a-f]{2}\1[0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4})(?![\w:-])/gi,
  bitcoin: /(?<![\w])(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71})(?![\w])/g,
  monero: /(?<![\w])4[0-9AB][1-9A-HJ-NP-Za-km-z]{93}(?![\w])/g,
  windowsPath: /(?<![\w%])(?:[a-z]:|%[a-z_][a-z0-9_]{1,30}%)\\(?:[^\\/:*?"“”|\r\n]{1,255}\\){0,30}[^\\/:*?"“”<>|\r\n\s]{1,255}/gi,
  unixPath:
    /(?<![\w/~.])(?:~|\/(?:etc|tmp|var|usr|home|opt|bin|sbin|dev|proc|root|lib|Library|Users|Applications|System|private))(?:\/[\w.@%+=-]{1,255}(?: [\w.@%+=-]{1,255}){0,3})*\/[\w.@%+=-]{1,255}/g,
  /** The extension that ends a file name; the name's start is found by walking back (see fileNames). */
  fileExtension: new RegExp(`\\.(?:${FILE_EXTENSIONS})(?![\\p{L}\\p{N}_-]|\\.[a-z0-9])`, 'giu'),
  registry:
    /(?<![\w])<?(?:HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_USERS|HKEY_CLASSES_ROOT|HKEY_CURRENT_CONFIG|HKLM|HKCU|HKU|HKCR|HKCC)>?(?:\\(?:<[^\\<>\r\n]{1,64}>|[^\\\s"'“”<>]{1,255}(?: (?!HK)[^\\\s"'“”<>]{1,255}){0,6}))*\\(?:<[^\\<>\r\n]{1,64}>|[^\\\s"'“”<>]{1,255})/g,
  userAgent:
    /(?<![\w])mozilla\/\d\.\d \([^()\r\n]{1,300}\)(?: (?!mozilla\/)[a-z][\w.-]{0,40}(?:\/[\w.+-]{1,40})?(?: \([^()\r\n]{1,300}\))?){0,12}/gi,
  attackId: /(?<![\w.])(?:t\d{4}(?:\.\d{3})?|ta\d{4}|m\d{4}|s\d{4}|g\d{4})(?![\w]|\.\d)/gi,
  tlp: /(?<![\w])tlp[\s:_-]?(clear|white|green|amber\+strict|amber|red)(?![\w])/gi,
  yara: /(?<![\w])rule\s{1,10}([a-z_][a-z0-9_]{0,127})(?:\s{0,10}:[\w\s]{0,200})?\s{0,10}\{/gi,
} as const;

const NAME_CHAR = /[\p{L}\p{N}_.-]/u;
const NAME_START = /[\p{L}\p{N}_-]/u;
const NOT_BEFORE_NAME = /[\w.\\/-]/;

/**
 * File names ("invoice.pdf", 「請求書.exe」): anchored on the extension, the start found by walking back at most 201
 * characters — the leftmost position that starts a name and does not follow a word character, dot or slash. The
 * same matches as one regex `(?<![\w.\\/-])[\p{L}\p{N}_-][\p{L}\p{N}_.-]{0,200}\.(ext)`, without its quadratic
 * rescans of long runs of letters (1 MB of katakana).
 */
function* fileNames(t: string): Generator<[number, number]> {
  let previousEnd = 0;
  for (const m of execAll(RE.fileExtension, t)) {
    const dot = m.index;
    const end = dot + m[0].length;
    const floor = Math.max(previousEnd, dot - 201);
    let start = -1;
    for (let p = dot - 1; p >= floor && NAME_CHAR.test(t[p] ?? ''); p--) {
      if (NAME_START.test(t[p] ?? '') && !NOT_BEFORE_NAME.test(t[p - 1] ?? '')) start = p;
    }
    if (start < 0) continue;
    previousEnd = end;
    yield [start, end];
  }
}

const IMPHASH_LABEL = /(?:imphash|import hash|インポートハッシュ)\W{0,10}$/i;
const VERSION_BEFORE = /(?:\bv|\bver\.?|\bversion|\bbuild|\brelease|バージョン|ver)\s{0,3}$/i;

/** Domain check: a real TLD, not a file name, not a known product name. */
export function isLikelyDomain(value: string, context: { defanged: boolean; inUrl: boolean }): boolean {
  const lower = value.toLowerCase().replace(/\.$/, '');
  const labels = lower.split('.');
  const tld = labels[labels.length - 1] ?? '';
  const ascii = domainToASCII(lower);
  if (!ascii) return false;
  const asciiTld = ascii.split('.').pop() ?? '';
  if (!TLDS.has(tld) && !TLDS.has(asciiTld)) return false;
  if (NOT_DOMAINS.has(lower)) return false;
  if (context.inUrl || context.defanged) return true;
  if (labels.length === 2 && FILE_LIKE_TLDS.has(tld)) return false;
  // "Microsoft.Windows", "ASP.NET": prose with capitals is rarely a hostname.
  const tldWritten = value.slice(value.length - tld.length);
  if (/[A-Z]/.test(tldWritten)) return false;
  return true;
}

function ipv6Valid(value: string): boolean {
  if (!value.includes('::') && value.split(':').length !== 8) return false;
  return ipaddr.IPv6.isValid(value);
}

/** Base58Check for legacy Bitcoin addresses (the checksum rules out random base58-looking words). */
function base58CheckValid(address: string, sha256: (b: Uint8Array) => Uint8Array): boolean {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let num = 0n;
  for (const ch of address) {
    const v = alphabet.indexOf(ch);
    if (v < 0) return false;
    num = num * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (num > 0n) {
    bytes.unshift(Number(num % 256n));
    num /= 256n;
  }
  for (const ch of address) {
    if (ch !== '1') break;
    bytes.unshift(0);
  }
  if (bytes.length !== 25) return false;
  const payload = Uint8Array.from(bytes.slice(0, 21));
  const check = sha256(sha256(payload));
  return bytes.slice(21).every((b, i) => b === check[i]);
}

export interface ExtractIndicatorsOptions {
  /** SHA-256 implementation, for Bitcoin address checksums (node:crypto by default). */
  readonly sha256?: (bytes: Uint8Array) => Uint8Array;
}

const nodeSha256 = (bytes: Uint8Array): Uint8Array => createHash('sha256').update(bytes).digest();

// Characters some indicator kinds cannot do without, as bits of a run's flags.
const DOT = 1;
const SLASH = 2;
const AT = 4;
const COLON = 8;
const HYPHEN = 16;
const FLAG_OF = new Uint8Array(128);
FLAG_OF[0x2e] = DOT;
FLAG_OF[0x2f] = SLASH;
FLAG_OF[0x40] = AT;
FLAG_OF[0x3a] = COLON;
FLAG_OF[0x2d] = HYPHEN;

/** JavaScript's `\s`: what separates runs. */
const isSpace = (c: number): boolean =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  (c > 127 &&
    (c === 0xa0 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff));

/**
 * A text's whitespace-free runs, with the characters each contains. Hashes, domains, bare URLs, emails, MACs and
 * IPv6 addresses never contain whitespace, and their patterns' lookarounds treat a space as they treat the
 * whitespace around a run; so matching the runs that can hold a kind, joined by single spaces, finds the same
 * matches as matching the whole text, in a fraction of it (a domain needs a dot: a seventh of English prose).
 */
class Runs {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly flags: number[] = [];

  constructor(private readonly text: string) {
    let start = -1;
    let flags = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        if (start >= 0) this.add(start, i, flags);
        start = -1;
        flags = 0;
      } else {
        if (start < 0) start = i;
        if (c < 128) flags |= FLAG_OF[c] ?? 0;
      }
    }
    if (start >= 0) this.add(start, text.length, flags);
  }

  private add(start: number, end: number, flags: number): void {
    this.starts.push(start);
    this.ends.push(end);
    this.flags.push(flags);
  }

  /** Matches of `re` (global) in the runs with all of `allOf`, any of `anyOf` (if given) and `minLength` characters. */
  *matchAll(re: RegExp, select: { allOf?: number; anyOf?: number; minLength?: number }): Generator<RegExpExecArray> {
    const { allOf = 0, anyOf = 0, minLength = 0 } = select;
    const parts: string[] = [];
    const joinedAt: number[] = [];
    const originalAt: number[] = [];
    let length = 0;
    for (let k = 0; k < this.starts.length; k++) {
      const f = this.flags[k] ?? 0;
      const s = this.starts[k] ?? 0;
      const e = this.ends[k] ?? 0;
      if ((f & allOf) !== allOf || (anyOf !== 0 && (f & anyOf) === 0) || e - s < minLength) continue;
      joinedAt.push(length);
      originalAt.push(s);
      parts.push(this.text.slice(s, e));
      length += e - s + 1;
    }
    if (parts.length === 0) return;
    let k = 0;
    for (const m of execAll(re, parts.join(' '))) {
      while (k + 1 < joinedAt.length && (joinedAt[k + 1] ?? 0) <= m.index) k++; // matches come in order
      m.index = (originalAt[k] ?? 0) + m.index - (joinedAt[k] ?? 0);
      yield m;
    }
  }
}

/**
 * Find every indicator in `text`. Overlaps are resolved so a URL's host is not also reported as a bare
 * domain at the same offsets (it is reported as the URL's domain, see `domainsOfUrl`).
 * @example extractIndicators('通信先：１９８．５１．１００．２３、hxxps://evil[.]com/a', opts)
 */
export function extractIndicators(text: string, options: ExtractIndicatorsOptions = {}): IndicatorMatch[] {
  const view = refangText(text);
  const t = view.text;
  const runs = new Runs(t);
  const out: IndicatorMatch[] = [];
  const taken = new IntervalSet();
  const overlaps = (s: number, e: number): boolean => taken.overlaps(s, e);
  /** The original text behind refanged offsets [vs, ve), and whether it differs (defang markers, full width). */
  const original = (vs: number, ve: number): { start: number; end: number; raw: string; defanged: boolean } => {
    const start = view.start[vs] ?? 0;
    const end = view.end[ve - 1] ?? start;
    const raw = text.slice(start, end);
    return { start, end, raw, defanged: raw !== t.slice(vs, ve) };
  };
  const emit = (kind: IndicatorKind, value: string, vs: number, ve: number, reserve = true): IndicatorMatch | undefined => {
    if (ve <= vs) return undefined;
    const match: IndicatorMatch = { kind, value, ...original(vs, ve) };
    out.push(match);
    if (reserve) taken.add(vs, ve);
    return match;
  };
  const trimTrailing = (s: string, at: number): string => {
    let v = s;
    // Trailing punctuation belongs to the sentence, after a URL or a path; an unbalanced closing bracket too. A dot
    // written as a defang marker ("/[.]") was meant as part of the indicator and stays.
    for (;;) {
      const last = v[v.length - 1] ?? '';
      const k = at + v.length - 1;
      const marker = (view.end[k] ?? 0) - (view.start[k] ?? 0) > 1;
      if (/[.,;:!?'"’”]/.test(last) && !marker) v = v.slice(0, -1);
      else if (last === ')' && (v.match(/\(/g)?.length ?? 0) < (v.match(/\)/g)?.length ?? 0)) v = v.slice(0, -1);
      else if (last === ']' && (v.match(/\[/g)?.length ?? 0) < (v.match(/\]/g)?.length ?? 0)) v = v.slice(0, -1);
      else break;
    }
    return v;
  };

  // Structured, long kinds first so their insides are not reported again.
  for (const m of /mozilla\//i.test(t) ? execAll(RE.userAgent, t) : []) {
    // A bare word may sit between products ("gecko firefox/11.0") but does not end a user agent ("… seen").
    let v = m[0];
    for (let cut = /\s[a-z][\w.-]*$/i.exec(v); cut && !v.endsWith(')'); cut = /\s[a-z][\w.-]*$/i.exec(v)) v = v.slice(0, cut.index);
    emit('user-agent', v, m.index, m.index + v.length);
  }
  for (const m of t.includes('\\') ? execAll(RE.registry, t) : []) {
    const v = m[0].replace(/^<([A-Z_]+)>/, '$1');
    emit('registry-key', v, m.index, m.index + m[0].length);
  }
  // (A kind whose every match contains some literal is not searched for in a text without it: most texts have no '@'.)
  for (const m of t.includes('://') ? execAll(RE.url, t) : []) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const raw = trimTrailing(m[0], m.index);
    const value = raw.replace(/^([a-z]+):\/\/\[(?![0-9a-f:.]+\])/i, '$1://');
    emit(
      'url',
      value.replace(/^[a-z]+(?=:\/\/)/i, (s) => s.toLowerCase()),
      m.index,
      m.index + raw.length,
    );
  }
  for (const m of runs.matchAll(RE.bareUrl, { allOf: DOT | SLASH })) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const raw = trimTrailing(m[0], m.index);
    const host = raw.split(/[/:]/)[0] ?? '';
    const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(host) && ipaddr.IPv4.isValidFourPartDecimal(host);
    if (isIp && /^\/(?:3[0-2]|[12]?\d)$/.test(raw.slice(host.length))) continue; // a CIDR block, not a URL
    if (!isIp && !isLikelyDomain(host, { defanged: original(m.index, m.index + raw.length).defanged, inUrl: true })) continue;
    emit('url', raw, m.index, m.index + raw.length);
  }
  for (const m of runs.matchAll(RE.email, { allOf: AT | DOT })) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    emit('email', m[0].toLowerCase(), m.index, m.index + m[0].length);
  }
  for (const m of runs.matchAll(RE.ssdeep, { allOf: COLON, minLength: 9 })) emit('ssdeep', m[0], m.index, m.index + m[0].length);
  for (const m of runs.matchAll(RE.ethereum, { minLength: 42 })) emit('ethereum', m[0].toLowerCase(), m.index, m.index + m[0].length);
  for (const m of runs.matchAll(RE.hex, { minLength: 32 })) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const kind = ({ 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' } as const)[m[0].length as 32 | 40 | 64 | 128];
    if (!kind) continue;
    if (/^\d+$/.test(m[0])) continue; // a long number, not a hash
    const labelled = kind === 'md5' && IMPHASH_LABEL.test(t.slice(Math.max(0, m.index - 30), m.index));
    emit(labelled ? 'imphash' : kind, m[0].toLowerCase(), m.index, m.index + m[0].length);
  }
  for (const m of execAll(RE.monero, t))
    if (!overlaps(m.index, m.index + m[0].length)) emit('monero', m[0], m.index, m.index + m[0].length);
  for (const m of execAll(RE.bitcoin, t)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const legacy = !/^bc1/i.test(m[0]);
    if (legacy ? !base58CheckValid(m[0], options.sha256 ?? nodeSha256) : m[0] !== m[0].toLowerCase()) continue;
    emit('bitcoin', m[0], m.index, m.index + m[0].length);
  }
  for (const m of t.includes(':\\') || t.includes('%\\') ? execAll(RE.windowsPath, t) : []) {
    // Sentence punctuation after the path is not part of it: "…\\devenv.scr)." ("(x86)" stays).
    const v = trimTrailing(m[0], m.index);
    // A name pattern ("%TEMP%\\dsc*") is no path: the wildcard would be cut off.
    if (/^[*?]/.test(t.slice(m.index + m[0].length, m.index + m[0].length + 1))) continue;
    if (!overlaps(m.index, m.index + v.length)) emit('file-path', v, m.index, m.index + v.length);
  }
  for (const m of execAll(RE.unixPath, t)) {
    const v = trimTrailing(m[0], m.index); // "check /var/log/ssl-vpn.log." ends with the sentence's full stop
    if (overlaps(m.index, m.index + v.length)) continue;
    if (!/\.[a-z0-9]{1,8}$/i.test(v) && v.split('/').length < 3) continue;
    emit('file-path', v, m.index, m.index + v.length);
  }
  for (const m of runs.matchAll(RE.mac, { anyOf: COLON | HYPHEN | DOT, minLength: 14 }))
    if (!overlaps(m.index, m.index + m[0].length)) emit('mac', m[0], m.index, m.index + m[0].length);
  for (const m of runs.matchAll(RE.ipv6, { allOf: COLON })) {
    if (overlaps(m.index, m.index + m[0].length) || !ipv6Valid(m[0])) continue;
    emit('ipv6', m[0].toLowerCase(), m.index, m.index + m[0].length);
  }
  for (const m of t.includes('.') ? execAll(RE.ipv4, t) : []) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    if (VERSION_BEFORE.test(t.slice(Math.max(0, m.index - 12), m.index))) continue;
    const [address, prefix] = m[0].split('/');
    if (prefix !== undefined) {
      emit('ipv4-cidr', m[0], m.index, m.index + m[0].length, false);
      emit('ipv4', address ?? '', m.index, m.index + (address ?? '').length);
    } else emit('ipv4', m[0], m.index, m.index + m[0].length);
  }
  for (const m of /cve/i.test(t) ? execAll(RE.cve, t) : []) emit('cve', `CVE-${m[1]}-${m[2]}`, m.index, m.index + m[0].length);
  for (const m of execAll(RE.attackId, t)) {
    // Also inside URLs (https://attack.mitre.org/tactics/TA0001/); never inside hashes or paths' names.
    const within = taken.find(m.index, m.index + m[0].length);
    if (within && !/^(?:https?|ftp):/i.test(t.slice(within[0], within[1]))) continue;
    emit('attack-id', m[0].toUpperCase(), m.index, m.index + m[0].length);
  }
  for (const m of execAll(RE.asn, t)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    // "as 2014" is prose: a space is allowed only after "ASN" or an upper-case "AS".
    if (m[2] !== undefined && /\s/.test(m[0]) && !m[0].startsWith('AS')) continue;
    emit('asn', `ASN${m[3]}`, m.index, m.index + m[0].length);
  }
  for (const m of /tlp/i.test(t) ? execAll(RE.tlp, t) : [])
    emit('tlp', `TLP:${(m[1] ?? '').toUpperCase()}`, m.index, m.index + m[0].length);
  for (const m of t.includes('{') ? execAll(RE.yara, t) : []) {
    const name = m[1] ?? '';
    const at = m.index + m[0].indexOf(name, 4);
    emit('yara-rule', name, at, at + name.length);
  }
  for (const [start, end] of fileNames(t)) {
    if (overlaps(start, end)) continue;
    emit('file-name', t.slice(start, end), start, end);
  }
  for (const m of runs.matchAll(RE.domain, { allOf: DOT })) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const raw = m[0].replace(/\.$/, '');
    const { defanged } = original(m.index, m.index + raw.length);
    if (!isLikelyDomain(raw, { defanged, inUrl: false })) continue;
    emit('domain', raw.toLowerCase(), m.index, m.index + raw.length);
  }
  // Hosts of URLs and emails are indicators too (at the URL's offsets), and so are domains written inside a
  // URL's path or query (redirectors: ?url=evil.example).
  for (const x of [...out]) {
    if (x.kind !== 'url' && x.kind !== 'email') continue;
    const host = hostOf(x);
    if (host && /^\d+\.\d+\.\d+\.\d+$/.test(host) && ipaddr.IPv4.isValidFourPartDecimal(host))
      out.push({ ...x, kind: 'ipv4', value: host });
    else if (host && !host.includes(':') && isLikelyDomain(host, { defanged: x.defanged, inUrl: true })) {
      out.push({ ...x, kind: 'domain', value: host.toLowerCase() });
    }
    if (x.kind !== 'url') continue;
    const rest = x.value.replace(/^[a-z]+:\/\//i, '').slice((host ?? '').length);
    for (const d of execAll(RE.domainInUrl, decodeSafely(rest))) {
      const value = d[0].toLowerCase();
      if (value !== host?.toLowerCase() && isLikelyDomain(d[0], { defanged: false, inUrl: false }))
        out.push({ ...x, kind: 'domain', value });
    }
  }
  return out.sort((a, b) => a.start - b.start || a.kind.localeCompare(b.kind));
}

/** The host of a URL or email match. */
export function hostOf(x: IndicatorMatch): string | undefined {
  if (x.kind === 'email') return x.value.split('@')[1]?.replace(/^\[|\]$/g, '');
  if (x.kind !== 'url') return undefined;
  const withoutScheme = x.value.replace(/^[a-z]+:\/\//i, '');
  const authority = withoutScheme.split(/[/?#]/)[0] ?? '';
  const host = authority.replace(/^[^@]*@/, '');
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.replace(/:\d+$/, '');
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Non-overlapping reserved spans, sorted by start: overlap tests in O(log n) (a report can hold thousands of IOCs). */
class IntervalSet {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** The reserved span overlapping [s, e), if any. */
  find(s: number, e: number): [number, number] | undefined {
    // Last span starting before e.
    let lo = 0;
    let hi = this.starts.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] ?? 0) < e) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (idx >= 0 && (this.ends[idx] ?? 0) > s) return [this.starts[idx] ?? 0, this.ends[idx] ?? 0];
    return undefined;
  }

  overlaps(s: number, e: number): boolean {
    return this.find(s, e) !== undefined;
  }

  add(s: number, e: number): void {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] ?? 0) < s) lo = mid + 1;
      else hi = mid;
    }
    this.starts.splice(lo, 0, s);
    this.ends.splice(lo, 0, e);
  }
}
