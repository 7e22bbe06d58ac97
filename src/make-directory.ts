// Creating the folders kizashi writes to (demo output, $KIZASHI_HOME/kb, kizashi init), with a clear error when that
// cannot be done.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { KizashiError } from './core/errors.js';

/**
 * Create a directory and its missing parents. Node's `mkdir(…, { recursive: true })` spins forever where a parent
 * exists but refuses children with ENOENT (anything under /proc or /sys): the missing levels are created here one at
 * a time, from the deepest that exists, so every failure is an error naming the path.
 * @example await makeDirectory('kizashi-demo') // then write kizashi-demo/kizashi.db
 */
export async function makeDirectory(path: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(path); ;) {
    const found = await stat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined; // missing, or under a file (found above)
      throw new KizashiError(`${path}: cannot create the directory (${error.code ?? error.message} at ${at})`, { cause: error });
    });
    if (found?.isDirectory()) break;
    if (found) throw new KizashiError(`${path}: cannot create the directory (${at} is a file)`);
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const dir of missing.reverse()) {
    await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return; // made meanwhile by another process
      throw new KizashiError(`${path}: cannot create the directory (${error.code ?? error.message} at ${dir})`, { cause: error });
    });
  }
}
