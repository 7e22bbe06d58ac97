// One cold knowledge-base load (starter + ATT&CK + MISP galaxies, compiled for extraction), run by scripts/bench.ts
// in a fresh process: prints {"ms": …, "rssMb": …}.
import { join, resolve } from 'node:path';
import { openExtractor } from '../src/main.js';

const SHARED = resolve(process.env.KIZASHI_SHARED ?? '../shared');
const t0 = performance.now();
await openExtractor({ kbDirs: [join(SHARED, 'data')], ignoreHome: true });
console.log(JSON.stringify({ ms: performance.now() - t0, rssMb: process.memoryUsage().rss / 1e6 }));
