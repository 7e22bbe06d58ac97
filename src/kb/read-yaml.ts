// Reads the *.yaml data files of a folder (starter KB, warninglists); a file that does not parse is a KbError.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KbError } from '../core/errors.js';

/** Every `*.yaml` file of `dir`, sorted by name, parsed. */
export async function readYamlFiles(dir: string): Promise<{ file: string; path: string; data: unknown }[]> {
  const out: { file: string; path: string; data: unknown }[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    const path = join(dir, file);
    try {
      out.push({ file, path, data: parseYaml(await readFile(path, 'utf8')) as unknown });
    } catch (error) {
      throw new KbError(path, `invalid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
  }
  return out;
}
