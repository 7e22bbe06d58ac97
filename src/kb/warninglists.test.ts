import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWarninglists, parseWarninglist, WARNINGLIST_DIR } from './warninglists.js';

describe('warninglists', () => {
  it('flags probably harmless indicators with the list name', async () => {
    const lists = await loadWarninglists();
    expect(lists.check('ipv4', '8.8.8.8')).toEqual(['public-dns-resolvers']);
    expect(lists.check('ipv4', '192.168.10.4')).toEqual(['special-ip-ranges']);
    expect(lists.check('ipv4', '203.0.113.45')).toEqual(['documentation-ranges']);
    expect(lists.check('ipv6', '2001:db8::1')).toEqual(['documentation-ranges']);
    expect(lists.check('domain', 'www.google.co.jp')).toEqual(['top-sites']);
    expect(lists.check('url', 'https://evil.example/x', 'evil.example')).toEqual(['reserved-domains']);
    expect(lists.check('email', 'a@trendmicro.com', 'trendmicro.com')).toEqual(['security-vendor-domains']);
    expect(lists.check('sha256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855')).toEqual(['empty-file-hashes']);
    expect(lists.check('ipv4', '45.77.1.2')).toEqual([]);
    expect(lists.check('domain', 'notgoogle.com')).toEqual([]);
  });

  it('loads the user’s own lists beside the shipped ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kizashi-wl-'));
    await writeFile(join(dir, 'cloud.yaml'), 'name: my-cloud\ntype: cidr\napplies_to: [ipv4]\nvalues: [45.77.0.0/16]\n');
    const lists = await loadWarninglists([WARNINGLIST_DIR, dir]);
    expect(lists.check('ipv4', '45.77.1.2')).toEqual(['my-cloud']);
  });

  it('rejects a malformed list, naming the file and field', () => {
    expect(() => parseWarninglist({ name: 'x', type: 'cidr', applies_to: ['ipv4'], values: ['not-an-ip'] }, 'bad.yaml')).toThrow(
      /bad\.yaml: "not-an-ip" is not an IP address/,
    );
    expect(() => parseWarninglist({ name: 'x', type: 'regex', applies_to: [], values: [] }, 'bad.yaml')).toThrow(/"type" must be/);
  });
});
