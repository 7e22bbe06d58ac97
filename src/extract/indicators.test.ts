import { describe, expect, it } from 'vitest';
import { scoId } from '../core/stix.js';
import { extractIndicators, type IndicatorKind } from './indicators.js';

const kinds = (text: string): string[] => extractIndicators(text).map((f) => `${f.kind}:${f.value}`);
const only = (text: string, kind: IndicatorKind): string[] =>
  extractIndicators(text)
    .filter((f) => f.kind === kind)
    .map((f) => f.value);

describe('extractIndicators — Japanese text, full-width and defanged forms', () => {
  it('finds full-width and defanged IPs next to Japanese punctuation, with original offsets', () => {
    const text = '通信先：１９８．５１．１００．２３、203.0.113[.]45。';
    const found = extractIndicators(text).filter((f) => f.kind === 'ipv4');
    expect(found.map((f) => [f.value, f.raw, f.defanged])).toEqual([
      ['198.51.100.23', '１９８．５１．１００．２３', true],
      ['203.0.113.45', '203.0.113[.]45', true],
    ]);
    for (const f of found) expect(text.slice(f.start, f.end)).toBe(f.raw);
  });

  it.each([
    ['マルウェアはhxxps://evil-cdn[.]example/payload.binからダウンロードされた。', 'https://evil-cdn.example/payload.bin'],
    ['接続先（hxxp://198.51.100[.]7:8080/gate.php）を確認', 'http://198.51.100.7:8080/gate.php'],
    ['「https://update.example.jp/a?b=1」が悪用された', 'https://update.example.jp/a?b=1'],
    ['See https://citizenlab.ca/about/), and more.', 'https://citizenlab.ca/about/'],
    ['Visit hxxp://example[dot]com/index.html.', 'http://example.com/index.html'],
  ])('URL in %s', (text, url) => {
    expect(only(text, 'url')).toEqual([url]);
  });

  it.each([
    ['連絡先はuser[@]mail[.]example[.]com。', 'user@mail.example.com'],
    ['攻撃者のアドレス：ｅｖｉｌ＠ａｔｔａｃｋｅｒ．ｎｅｔ', 'evil@attacker.net'],
    ['contact admin(at)bad-domain(dot)org now', 'admin@bad-domain.org'],
  ])('email in %s', (text, email) => {
    expect(only(text, 'email')).toEqual([email]);
  });

  it('finds domains glued to Japanese text and in 「」', () => {
    expect(only('C2サーバー「malicious-cdn.net」と evil[.]co[.]jpへの通信', 'domain')).toEqual(['malicious-cdn.net', 'evil.co.jp']);
  });
});

describe('extractIndicators — no false positives from prose', () => {
  it.each([
    'Download report.pdf and 対策手順書.pdf from the portal.',
    'Node.js and ASP.NET apps, README.md, setup.py and payload.zip.',
    'Update to version 1.2.3.4 or 22.7R2.3 as described in section 3.2.1.',
    'The count was 0. It rose.',
    'Microsoft.Windows.Defender and System.IO are namespaces.',
  ])('%s has no network indicator', (text) => {
    expect(extractIndicators(text).filter((f) => ['domain', 'url', 'ipv4', 'email'].includes(f.kind))).toEqual([]);
  });

  it('reports file names as files', () => {
    expect(only('Open 対策手順書.pdf and invoice_2024.docx.exe', 'file-name')).toEqual(['対策手順書.pdf', 'invoice_2024.docx.exe']);
  });
});

describe('extractIndicators — every kind', () => {
  it.each([
    ['md5', 'hash 68b329da9893e34099c7d8ad5cb9c940.', '68b329da9893e34099c7d8ad5cb9c940'],
    ['sha1', 'ADC83B19E793491B1C6EA0FD8B46CD9F32E592FC', 'adc83b19e793491b1c6ea0fd8b46cd9f32e592fc'],
    [
      'sha256',
      'SHA256: 01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b',
      '01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b',
    ],
    ['imphash', 'imphash: 18ddf28a71089acdbab5038f58044c0a', '18ddf28a71089acdbab5038f58044c0a'],
    [
      'ssdeep',
      '1536:yB+A8bMtMeRlbIzvDqZL4QzNxVDm+5gt+M2hDDDvNZ3YZ7sU:N4tMsbOGcyrV6BQvnoZ4U',
      '1536:yB+A8bMtMeRlbIzvDqZL4QzNxVDm+5gt+M2hDDDvNZ3YZ7sU:N4tMsbOGcyrV6BQvnoZ4U',
    ],
    ['cve', '脆弱性（cve-2024-3400）を悪用', 'CVE-2024-3400'],
    ['asn', 'hosted in AS13335.', 'ASN13335'],
    ['mac', 'MAC 00:1A:2B:3C:4D:5E seen', '00:1A:2B:3C:4D:5E'],
    ['ipv6', 'beacon to 2001:db8::ff00:42:8329 daily', '2001:db8::ff00:42:8329'],
    ['ipv4-cidr', 'block 10.0.0.0/8 now', '10.0.0.0/8'],
    ['bitcoin', 'pay to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 now', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
    ['ethereum', 'funds sent to 0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D.', '0x51e9d833ecae4e8d9d8be17300aee6d3398c135d'],
    [
      'registry-key',
      'Run key HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run was set',
      'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
    ],
    ['file-path', 'dropped C:\\Users\\Public\\svchost.exe today', 'C:\\Users\\Public\\svchost.exe'],
    ['file-path', 'reads %APPDATA%\\Mozilla\\Firefox\\Profiles first', '%APPDATA%\\Mozilla\\Firefox\\Profiles'],
    ['file-path', 'ran “C:\\Windows\\System32\\schtasks.exe”.', 'C:\\Windows\\System32\\schtasks.exe'],
    ['file-path', 'saved as (C:\\Program Files (x86)\\Tool\\a.exe).', 'C:\\Program Files (x86)\\Tool\\a.exe'],
    ['file-path', 'check for the file /var/log/ssl-vpn.log.', '/var/log/ssl-vpn.log'],
    ['file-path', 'dropped to /tmp/.x/kworker, then ran it', '/tmp/.x/kworker'],
  ])('%s', (kind, text, value) => {
    expect(only(text, kind as IndicatorKind)).toContain(value);
  });

  it.each([
    ['a file name pattern', 'Log files %TEMP%\\dsc* and C:\\Temp\\x?.log'],
    ['a bare drive', 'copied to C:\\'],
  ])('no file path in %s', (_, text) => {
    expect(only(text, 'file-path')).toEqual([]);
  });

  it.each([
    ['attack-id', 'technique T1059.001 and TA0008', 'T1059.001'],
    ['tlp', 'TLP:AMBER+STRICT', 'TLP:AMBER+STRICT'],
    ['yara-rule', 'rule APT_MirrorFace_LODEINFO : loader { strings: $a = "x" condition: $a }', 'APT_MirrorFace_LODEINFO'],
    [
      'user-agent',
      'UA Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 seen',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    ],
  ])('%s', (kind, text, value) => {
    expect(only(text, kind as IndicatorKind)).toContain(value);
  });

  it('reads no hash in an Ethereum address or a hexadecimal number', () => {
    const found = extractIndicators('to 0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D and 0xd41d8cd98f00b204e9800998ecf8427e').map(
      (i) => i.kind,
    );
    expect(found).toEqual(['ethereum']);
  });

  it('does not read a bitcoin-looking word with a bad checksum', () => {
    expect(only('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', 'bitcoin')).toEqual([]);
  });

  it('reports the host of a URL as a domain too', () => {
    expect(kinds('get hxxps://cdn.evil[.]com/x')).toEqual(['domain:cdn.evil.com', 'url:https://cdn.evil.com/x']);
  });
});

describe('STIX SCO ids', () => {
  it('match the STIX 2.1 deterministic id rule (same as the Python reference)', () => {
    expect(scoId('ipv4-addr', { value: '1.2.3.4' })).toBe('ipv4-addr--0198f97b-e65d-5025-87e5-58bc39d4bdb4');
  });
});

describe('regular expressions are safe against catastrophic backtracking', () => {
  const ADVERSARIAL: Record<string, (n: number) => string> = {
    'a.': (n) => 'a.'.repeat(n / 2),
    '1.': (n) => '1.'.repeat(n / 2),
    hex: (n) => 'a1'.repeat(n / 2),
    '@': (n) => '@'.repeat(n),
    '../': (n) => '../'.repeat(n / 3),
    'a@a.': (n) => 'a@a.'.repeat(n / 4),
    'http://a': (n) => `http://${'a'.repeat(n)}`,
    'HKLM\\a ': (n) => `HKLM\\${'a '.repeat(n / 2)}`,
    'C:\\a\\': (n) => `C:\\${'a\\'.repeat(n / 2)}`,
    '::': (n) => ':'.repeat(n),
    'Mozilla/5.0 (': (n) => `Mozilla/5.0 (${'a '.repeat(n / 2)}`,
    '[.]': (n) => 'a[.]'.repeat(n / 4),
  };
  /**
   * The fastest of 9 runs of each text, the two texts taking turns: the least disturbed by other test files
   * running in parallel, and both disturbed alike when the machine is busy.
   */
  const times = (small: string, large: string): { small: number; large: number } => {
    const best = { small: Infinity, large: Infinity };
    for (let i = 0; i < 9; i++) {
      for (const [key, text] of [
        ['small', small],
        ['large', large],
      ] as const) {
        const t0 = performance.now();
        extractIndicators(text);
        best[key] = Math.min(best[key], performance.now() - t0);
      }
    }
    return best;
  };
  it.each(Object.keys(ADVERSARIAL))('1 MB of %s finishes well under a second and grows linearly', (name) => {
    const make = ADVERSARIAL[name];
    if (!make) throw new Error(name);
    // From 250 KB: a 100 KB run takes ~10 ms, so fixed costs and timer noise put a linear scan at ×13–14 of 10.
    const { small, large } = times(make(250_000), make(1_000_000));
    expect(large).toBeLessThan(1000);
    // Linear growth: 4× the input costs at most 8× the time (2× linear, as other test files share both cores;
    // quadratic work would cost 16×; small floored at 8 ms against timer noise). Alone, the ratios are 3.8–4.2.
    expect(large / Math.max(small, 8)).toBeLessThanOrEqual(8);
  });
});

describe('refanging keeps offsets when it drops characters', () => {
  it('drops a stray bracket after the scheme', () => {
    const text = 'see http://[example.com/a now';
    const [url] = extractIndicators(text).filter((f) => f.kind === 'url');
    expect(url?.value).toBe('http://example.com/a');
    expect(text.slice(url?.start, url?.end)).toBe('http://[example.com/a');
  });
});

describe('internationalised domain names', () => {
  it.each([
    ['C2 at xn--80ak6aa92e.com today', 'xn--80ak6aa92e.com'],
    ['C2: пример.рф и', 'пример.рф'],
    ['visit bücher.de now', 'bücher.de'],
  ])('%s', (text, domain) => {
    expect(only(text, 'domain')).toEqual([domain]);
  });
});

describe('indicators are found in whitespace-free runs, whatever separates them', () => {
  it('finds each kind at the text edges and between every kind of whitespace, with original offsets', () => {
    const hash = 'd41d8cd98f00b204e9800998ecf8427e';
    const parts = [hash, 'evil-host.net', 'a@mail.example', '198.51.100.7/x.php', '2001:db8::1', '00:1a:2b:3c:4d:5e', 'cdn.evil.org/p'];
    const separators = [' ', '\t', '\n', '\u3000', '\u00a0', '\u2003', '\r\n'];
    const text = parts.map((p, i) => `${p}${separators[i] ?? ' '}`).join('') + hash;
    const found = extractIndicators(text);
    for (const f of found) expect(text.slice(f.start, f.end)).toBe(f.raw);
    expect(found.filter((f) => f.kind === 'md5').map((f) => f.start)).toEqual([0, text.length - hash.length]);
    expect(kinds(text)).toEqual(
      expect.arrayContaining([
        'domain:evil-host.net',
        'email:a@mail.example',
        'url:198.51.100.7/x.php',
        'ipv6:2001:db8::1',
        'mac:00:1a:2b:3c:4d:5e',
        'url:cdn.evil.org/p',
      ]),
    );
  });

  it('does not join neighbouring runs into one indicator', () => {
    expect(kinds('d41d8cd98f00b204 e9800998ecf8427e evil. example')).toEqual([]);
  });
});
