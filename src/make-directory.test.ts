import { existsSync, statSync } from 'node:fs';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KizashiError } from './core/errors.js';
import { makeDirectory } from './make-directory.js';

describe('makeDirectory', () => {
  it('creates missing levels and accepts an existing directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kizashi-mkdir-'));
    await makeDirectory(join(dir, 'a', 'b', 'c'));
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    await makeDirectory(join(dir, 'a', 'b', 'c'));
    await makeDirectory(dir);
  });

  it('fails with an error naming the path where a level is a file or a dangling link', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kizashi-mkdir-'));
    await writeFile(join(dir, 'file'), 'x');
    await expect(makeDirectory(join(dir, 'file', 'sub'))).rejects.toThrow(/file\/sub: cannot create the directory \(.*file is a file\)/);
    await symlink(join(dir, 'nowhere'), join(dir, 'link'));
    await expect(makeDirectory(join(dir, 'link', 'sub'))).rejects.toThrow(KizashiError);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it.runIf(existsSync('/proc/self'))('fails under /proc instead of spinning (Node’s recursive mkdir never returns there)', async () => {
    await expect(makeDirectory('/proc/kizashi-test/out')).rejects.toThrow(
      /\/proc\/kizashi-test\/out: cannot create the directory \(ENOENT/,
    );
  });
});
