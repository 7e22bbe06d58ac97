import { openExtractor } from '../src/main.js';
import { extractDocument } from '../src/extract/extract-document.js';
import { loadAnnoCtr, evaluateEntities } from './eval/annoctr-entities.js';
const split = (process.argv[2] ?? 'train') as 'train';
const ex = await openExtractor({ kbDirs: ['../shared/data'], ignoreHome: true });
const docs = loadAnnoCtr('../shared/data/eval/annoctr', [split]);
const r = evaluateEntities(ex, docs);
for (const e of r.docErrors) {
  if (!e.spurious.length) continue;
  const d = docs.find((x) => x.name === e.doc)!;
  const x = extractDocument(ex, { id: 'report--x', title: d.name, text: d.text, lang: 'en', origin: d.name });
  for (const name of e.spurious) {
    const ent = x.entities.find((y) => y.entity.name === name);
    if (!ent) continue;
    const m = ent.mentions[0]!;
    const gl = d.gold.filter((g) => g.start < m.end + 80 && g.end > m.start - 80).map((g) => `${g.label}:${g.text}`);
    console.log(`${d.name} | ${name} (${ent.entity.kind}, ${ent.mentions.length}x) | ${d.text.slice(Math.max(0, m.start - 100), m.end + 60).replace(/\s+/g, ' ')}\n   gold near: ${gl.join(', ')}`);
  }
}
