import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleErrors, HAS_SCHEMAS } from '../testkit/stix-schemas.js';
import { main } from './main.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (c: Buffer) => (chunks.out += c.toString()));
  err.on('data', (c: Buffer) => (chunks.err += c.toString()));
  const code = await main(['node', 'kizashi', ...args], {
    out: out as unknown as typeof process.stdout,
    err: err as unknown as typeof process.stderr,
  });
  return { code, ...chunks };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kizashi-cli-'));
  process.env.KIZASHI_HOME = join(dir, 'home');
  await writeFile(
    join(dir, 'ja.md'),
    '---\ntitle: 注意喚起\npublished: 2025-01-08\n---\n警察庁は、ミラーフェイスが日本の政府機関を標的にしたと発表した。CVE-2023-27997が悪用された。VPN機器の脆弱性を悪用して侵入した。',
  );
  await writeFile(join(dir, 'en.txt'), 'China-linked APT41 used Cobalt Strike against telecom operators in Taiwan.');
  await writeFile(join(dir, 'empty.md'), '');
  await writeFile(join(dir, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
  await writeFile(join(dir, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe]));
});

describe('kizashi extract', () => {
  it('prints one valid STIX 2.1 bundle per file, one per line', async () => {
    const { code, out, err } = await run('extract', join(dir, 'ja.md'), join(dir, 'en.txt'));
    expect(err).toBe('');
    expect(code).toBe(0);
    const bundles = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; id: string; objects: { type: string; id: string; name?: string }[] });
    expect(bundles).toHaveLength(2);
    const [ja, en] = bundles;
    expect(ja?.objects.find((o) => o.type === 'report')?.name).toBe('注意喚起');
    expect(ja?.objects.filter((o) => o.type === 'intrusion-set').map((o) => o.name)).toEqual(['MirrorFace']);
    expect(ja?.objects.filter((o) => o.type === 'vulnerability').map((o) => o.name)).toEqual(['CVE-2023-27997']);
    expect(en?.objects.filter((o) => o.type === 'relationship')).toHaveLength(4);
    if (HAS_SCHEMAS) for (const b of bundles) expect(bundleErrors(b)).toEqual([]);
  });

  it('gives the same ids on every run (deterministic)', async () => {
    const a = JSON.parse((await run('extract', join(dir, 'en.txt'))).out) as { objects: { id: string }[] };
    const b = JSON.parse((await run('extract', join(dir, 'en.txt'))).out) as { objects: { id: string }[] };
    expect(a.objects.map((o) => o.id)).toEqual(b.objects.map((o) => o.id));
  });

  it('prints json and text formats', async () => {
    const json = JSON.parse((await run('extract', '--format', 'json', join(dir, 'en.txt'))).out) as {
      entities: { name: string; mentions: { start: number; text: string }[] }[];
    };
    const apt41 = json.entities.find((e) => e.name === 'APT41');
    expect(apt41?.mentions[0]).toMatchObject({ start: 13, text: 'APT41' });
    const text = (await run('extract', '--format', 'text', join(dir, 'en.txt'))).out;
    expect(text).toContain('intrusion-set  APT41');
    expect(text).toContain('APT41 —uses→ Cobalt Strike');
  });

  it('keeps the text table in columns when a kind is longer than the usual ones', async () => {
    await writeFile(join(dir, 'policy.txt'), 'Executive Order 14093 restricts US government use of spyware sold by NSO Group.');
    const text = (await run('extract', '--format', 'text', join(dir, 'policy.txt'))).out;
    const rows = text.split('\n').filter((l) => /^ {2}(policy-instrument|identity|location) /.test(l));
    const nameColumns = new Set(rows.map((l) => l.length - l.replace(/^ {2}\S+ +/, '').length));
    expect(rows.length).toBeGreaterThan(1);
    expect(nameColumns.size).toBe(1);
    expect(rows.some((l) => l.startsWith('  policy-instrument Executive Order 14093'))).toBe(true);
    // Japanese names take two columns a character: the count column after them still lines up.
    await writeFile(join(dir, 'wide.txt'), '厚生労働省とアサヒグループホールディングスとCISAが発表した。');
    const wide = (await run('extract', '--format', 'text', join(dir, 'wide.txt'))).out.split('\n').filter((l) => l.includes('×'));
    const columns = (l: string): number =>
      [...l.slice(0, l.indexOf('×'))].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uff60]/.test(ch) ? 2 : 1), 0);
    expect(wide.length).toBeGreaterThan(2);
    expect(new Set(wide.map(columns)).size).toBe(1);
  });

  it('prints an ATT&CK Navigator layer per file', async () => {
    const { code, out } = await run('extract', '--format', 'navigator', join(dir, 'ja.md'));
    expect(code).toBe(0);
    const layer = JSON.parse(out) as {
      versions: { layer: string };
      domain: string;
      techniques: { techniqueID: string; score: number; comment: string }[];
    };
    expect(layer.versions.layer).toBe('4.5');
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.techniques.map((t) => t.techniqueID)).toEqual(['T1190']);
    expect(layer.techniques[0]?.comment).toContain('悪用');
  });

  it.each([
    ['missing.md', /missing\.md: no such file/],
    ['empty.md', /empty\.md: file is empty/],
    ['binary.txt', /binary\.txt: looks like a binary file/],
    ['latin1.txt', /latin1\.txt: cannot decode the text/],
  ])('reports %s in one line and exits non-zero', async (file, message) => {
    const { code, err, out } = await run('extract', join(dir, file));
    expect(code).not.toBe(0);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });

  it('goes on with the other files when one fails', async () => {
    const { code, err, out } = await run('extract', join(dir, 'empty.md'), join(dir, 'en.txt'));
    expect(code).toBe(2);
    expect(err).toMatch(/empty\.md/);
    expect(out.trim().split('\n')).toHaveLength(1);
  });

  it('names the corrupt file of a --kb folder', async () => {
    const kb = join(dir, 'badkb');
    await mkdir(join(kb, 'attack'), { recursive: true });
    await writeFile(join(kb, 'attack', 'enterprise-attack.json'), '{"objects": [}');
    const { code, err } = await run('extract', '--kb', kb, join(dir, 'en.txt'));
    expect(code).toBe(3);
    expect(err).toMatch(/enterprise-attack\.json: corrupt JSON/);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('rejects an unknown format as a usage error', async () => {
    const { code, err } = await run('extract', '--format', 'xml', join(dir, 'en.txt'));
    expect(code).toBe(64);
    expect(err).toMatch(/format/);
  });
});

describe('kizashi kb info', () => {
  it('prints sources and counts', async () => {
    const { code, out } = await run('kb', 'info');
    expect(code).toBe(0);
    expect(out).toMatch(/kizashi-starter\s+\d+ records/);
    expect(out).toMatch(/location\s+2\d\d/);
  });
});

describe('kizashi ingest, search and stories (real SQLite file)', () => {
  it('ingests a folder, is idempotent, keeps going past a bad file, and searches in both languages', async () => {
    const folder = join(dir, 'feed');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'a.md'),
      '---\ntitle: 台湾を狙う攻撃\npublished: 2025-02-01\nsource: テスト通信\n---\nミラーフェイスが台湾の大学を標的にした。',
    );
    await writeFile(
      join(folder, 'b.md'),
      '---\ntitle: LockBit returns\npublished: 2025-02-02\n---\nLockBit ransomware hit a hospital in Canada through Citrix Bleed.',
    );
    await writeFile(join(folder, 'c.md'), '');
    const db = join(dir, 'k.db');
    const first = await run('ingest', '--db', db, folder);
    expect(first.code).toBe(2);
    expect(first.out).toMatch(/ingest: 2 new, 0 updated, 0 unchanged, 1 failed/);
    expect(first.err).toMatch(/c\.md: file is empty/);
    const second = await run('ingest', '--db', db, join(folder, 'a.md'), join(folder, 'b.md'));
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/ingest: 0 new, 0 updated, 2 unchanged, 0 failed/);

    const ja = JSON.parse((await run('search', '--db', db, '--format', 'json', '--kind', 'document', '台湾')).out) as { title: string }[];
    expect(ja.map((h) => h.title)).toEqual(['台湾を狙う攻撃']);
    const en = JSON.parse((await run('search', '--db', db, '--format', 'json', 'lockbit hospital')).out) as { title: string }[];
    expect(en.map((h) => h.title)).toEqual(['LockBit returns']);

    const stories = JSON.parse(
      (await run('stories', '--db', db, '--format', 'json', '--since', '2025-02-01', '--until', '2025-02-02')).out,
    ) as {
      title: string;
      documents: { title: string; lang: string; source?: string }[];
      entities: { type: string; name: string }[];
    }[];
    expect(stories).toHaveLength(1);
    expect(stories[0]?.documents).toEqual([
      { title: '台湾を狙う攻撃', lang: 'ja', published: '2025-02-01T00:00:00.000Z', source: 'テスト通信' },
    ]);
    expect(stories[0]?.entities).toEqual(
      expect.arrayContaining([
        { type: 'intrusion-set', name: 'MirrorFace' },
        { type: 'location', name: 'Taiwan', nameJa: '台湾' },
        { type: 'identity', name: 'Education', nameJa: '教育機関', sector: true },
      ]),
    );
    // Actors first, then organisations and sectors, then places (a list cut short keeps what matters).
    expect(stories[0]?.entities.map((e) => e.name)).toEqual(['MirrorFace', 'Education', 'Taiwan']);
    // A vulnerability known by a nickname is listed with it.
    const lockbit = JSON.parse((await run('stories', '--db', db, '--format', 'json', '--since', '2025-02-02')).out) as {
      entities: { type: string; name: string }[];
    }[];
    expect(lockbit[0]?.entities).toEqual(expect.arrayContaining([{ type: 'vulnerability', name: 'CVE-2023-4966 (Citrix Bleed)' }]));
  });
});

describe('kizashi stories and digest as text', () => {
  it('say where a story was told, and list a source without an outlet name cleanly', async () => {
    const folder = join(dir, 'told');
    await mkdir(folder);
    await writeFile(
      join(folder, 'en.md'),
      '---\ntitle: Phobos admin extradited\npublished: 2024-11-04\nsource: Example Wire\nlang: en\n---\nThe US Justice Department said an administrator of the Phobos ransomware was extradited from South Korea. Phobos affiliates attacked hospitals.',
    );
    await writeFile(
      join(folder, 'ja.md'),
      '---\ntitle: Phobos運営者を移送\npublished: 2024-11-04\nlang: ja\n---\n米司法省は、ランサムウェア「Phobos」の管理者を韓国から米国に移送した。Phobosは病院を攻撃していた。',
    );
    const db = join(dir, 'told.db');
    expect((await run('ingest', '--db', db, folder)).code).toBe(0);
    const stories = await run('stories', '--db', db);
    expect(stories.out.split('\n')[0]).toMatch(/^2024-11-04 {2}.+ {2}\(2 reports, (en\+ja|ja\+en): Example Wire\)$/);
    const digest = await run('digest', '--db', db, '--date', '2024-11-04', '--lang', 'en');
    const sources = digest.out.split('\n').find((l) => l.startsWith('Sources: ')) ?? '';
    expect(sources).toMatch(/^Sources: (Example Wire “Phobos admin extradited” \(2024-11-04\); )?“Phobos運営者を移送” \(2024-11-04\)/);
    expect(sources).not.toMatch(/ {2}|; “[^”]*” \(2024-11-04\) ;/);
  });
});

describe('kizashi keys, watch and export', () => {
  it('creates, lists and revokes keys; adds a watchlist; exports MISP and CSV for an entity', async () => {
    const db = join(dir, 'serve.db');
    const folder = join(dir, 'serve-docs');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'a.md'),
      '---\ntitle: t\npublished: 2025-03-01\n---\nAPT41 used Cobalt Strike from 45.77.12.9 against Taiwan.',
    );
    expect((await run('ingest', '--db', db, folder)).code).toBe(0);
    const created = await run('keys', 'create', 'ci-bot', '--role', 'editor', '--db', db);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/^kz_[\w-]{43}$/m);
    expect((await run('keys', 'list', '--db', db)).out).toMatch(/editor\s+ci-bot/);
    expect((await run('keys', 'revoke', 'ci-bot', '--db', db)).out).toContain('revoked ci-bot');
    expect((await run('keys', 'revoke', 'ci-bot', '--db', db)).code).toBe(64);
    expect((await run('keys', 'create', 'x', '--role', 'root', '--db', db)).code).toBe(64);
    const watch = await run('watch', 'add', 'apt41', '--entity', 'APT41', '--keyword', 'Cobalt Strike', '--db', db);
    expect(watch.out).toMatch(/1 entities, 1 keywords/);
    expect((await run('watch', 'add', 'nothing', '--entity', 'No Such Actor Zzz', '--db', db)).code).toBe(64);
    const misp = JSON.parse((await run('export', '--format', 'misp', '--entity', 'APT41', '--db', db)).out) as {
      Event: { Tag: { name: string }[] };
    };
    expect(misp.Event.Tag).toEqual(expect.arrayContaining([{ name: 'misp-galaxy:threat-actor="APT41"' }]));
    const csv = (await run('export', '--format', 'csv', '--db', db)).out;
    expect(csv).toContain('ipv4-addr,45.77.12.9');
    const unwritable = await run('export', '--format', 'csv', '--db', db, '--out', join(dir, 'no-such-folder', 'x.csv'));
    expect(unwritable.code).toBe(1);
    expect(unwritable.err.trim()).toMatch(/^kizashi: --out .*no-such-folder\/x\.csv: cannot write the file \(ENOENT\)$/);
  });
});

describe('kizashi init, config and feeds', () => {
  it('writes a config and the default feed list, refuses to overwrite, and the config is read back', async () => {
    const target = join(dir, 'site');
    await mkdir(target, { recursive: true });
    const first = await run('init', target);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/kizashi\.config\.yaml/);
    const { readFeedList } = await import('../ingest/ingest-feeds.js');
    const feeds = await readFeedList(join(target, 'feeds.opml'));
    expect(feeds.length).toBeGreaterThanOrEqual(40);
    expect(feeds.some((u) => u.includes('jpcert'))).toBe(true);
    expect((await run('init', target)).code).toBe(64);
    // A folder that does not exist yet is made; one that cannot be is a one-line error naming it.
    expect((await run('init', join(dir, 'new', 'site'))).code).toBe(0);
    const blocked = await run('init', join(target, 'feeds.opml', 'site'));
    expect(blocked.code).toBe(1);
    expect(blocked.err.trim()).toMatch(/^kizashi: .*feeds\.opml\/site: cannot create the directory \(.*feeds\.opml is a file\)$/);
    const { loadConfig } = await import('../config.js');
    const config = loadConfig(join(target, 'kizashi.config.yaml'));
    expect(config).toMatchObject({
      timezone: 'Asia/Tokyo',
      pollIntervalMinutes: 15,
      feeds: join(target, 'feeds.opml'),
      sqlite: join(target, 'kizashi.db'),
    });
  });

  it('ingests PDF, STIX and MISP files from a folder', async () => {
    const folder = join(dir, 'structured');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'event.json'),
      JSON.stringify({
        Event: {
          uuid: 'a1b2',
          info: 'LockBit affiliate infrastructure',
          date: '2025-03-01',
          Attribute: [{ type: 'domain', value: 'lockbit-panel.net' }],
        },
      }),
    );
    await writeFile(
      join(folder, 'bundle.json'),
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
        objects: [
          {
            type: 'malware',
            spec_version: '2.1',
            id: 'malware--4e78f46f-a023-4e5f-bc24-71b3ca22ec29',
            name: 'ZorgonLoader',
            is_family: true,
            created: '2025-01-01T00:00:00Z',
            modified: '2025-01-01T00:00:00Z',
          },
        ],
      }),
    );
    const db = join(dir, 'structured.db');
    const result = await run('ingest', '--db', db, folder);
    expect(result.out).toMatch(/ingest: 2 new, 0 updated, 0 unchanged, 0 failed/);
    const hits = JSON.parse((await run('search', '--db', db, '--format', 'json', '--kind', 'object', 'ZorgonLoader')).out) as {
      type: string;
    }[];
    expect(hits.map((h) => h.type)).toEqual(['malware']);
    const domains = JSON.parse((await run('search', '--db', db, '--format', 'json', '--kind', 'object', 'lockbit-panel.net')).out) as {
      type: string;
    }[];
    expect(domains.map((h) => h.type)).toContain('domain-name');
  });
});

describe('dates, time zones and limits on the command line', () => {
  it('rejects impossible dates, unknown time zones and bad limits as usage errors, in one line naming the option', async () => {
    const db = join(dir, 'dates.db');
    const cases: [string[], RegExp][] = [
      [['digest', '--db', db, '--date', '2025-13-01'], /--date must be a day written YYYY-MM-DD, got "2025-13-01"/],
      [['digest', '--db', db, '--date', '2025-02-30'], /--date must be a day/],
      [['digest', '--db', db, '--date', '2025-01-08', '--tz', 'Mars/Base'], /--tz: unknown time zone "Mars\/Base"/],
      [['search', '--db', db, 'MirrorFace', '--since', 'yesterday'], /--since <date>.*'yesterday' is invalid/],
      [['search', '--db', db, 'MirrorFace', '--limit', 'abc'], /--limit <n>.*'abc' is invalid/],
      [['search', '--db', db, 'MirrorFace', '--limit', ' 7x'], /--limit <n>.*' 7x' is invalid/],
      [['serve', '--db', db, '--port', '70000'], /--port <port>.*'70000' is invalid. Use a whole number from 0 to 65535/],
      [['stories', '--db', db, '--until', '2025-99-99'], /--until <date>.*'2025-99-99' is invalid/],
      [['export', '--db', db, '--since', 'foo'], /--since <date>.*'foo' is invalid/],
    ];
    for (const [args, message] of cases) {
      const { code, out, err } = await run(...args);
      expect(code, args.join(' ')).toBe(64);
      expect(err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(err, args.join(' ')).toMatch(message);
      expect(out).toBe('');
    }
    // Good values still pass: a day, a timestamp, and a limit.
    expect((await run('search', '--db', db, 'MirrorFace', '--since', '2025-01-01T00:00:00Z', '--limit', '5')).code).toBe(0);
    expect((await run('digest', '--db', db, '--date', '2024-02-29', '--tz', 'UTC')).code).toBe(0);
  });
});

describe('kizashi worker', () => {
  it('rejects a --concurrency or --lease that is not a whole number in range, in one line naming the option', async () => {
    const cases: [string, string, string][] = [
      ['--concurrency', '0', '1 to 32'],
      ['--concurrency', '2.5', '1 to 32'],
      ['--concurrency', 'many', '1 to 32'],
      ['--lease', 'abc', '1 to 86400'],
      ['--lease', '-5', '1 to 86400'],
      ['--lease', '1e3', '1 to 86400'],
    ];
    for (const [option, bad, range] of cases) {
      const { code, err } = await run('worker', option, bad);
      expect(code, `${option} ${bad}`).toBe(64); // a usage error
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toContain(`${option} <`);
      expect(err).toContain(`'${bad}' is invalid. Use a whole number from ${range}.`);
    }
  });
});
