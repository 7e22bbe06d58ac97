// One cold knowledge-base load (starter + ATT&CK + MISP galaxies, compiled for extraction), run by scripts/bench.ts
// in a fresh process: prints {"ms": …, "rssMb": …, "peakRssMb": …} (RSS after the load, and the process's peak).
import { join, resolve } from 'node:path';
import { openExtractor } from '../src/main.js';
import { overallPeakRssMb } from './bench-rss.js';

const SHARED = resolve(process.env.KIZASHI_SHARED ?? '../shared');
const t0 = performance.now();
await openExtractor({ kbDirs: [join(SHARED, 'data')], ignoreHome: true });
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 1e6, peakRssMb: overallPeakRssMb() }));
