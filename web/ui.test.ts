// End-to-end: the workspace in Debian's Chromium (driven by playwright-core) against `kizashi serve` on loopback
// with the sample corpus in a real SQLite file, plus documents whose titles, bodies and entity names carry script
// payloads. Screenshots go to test-output/screenshots/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { ingestFiles, storeDocument } from '../src/ingest/ingest-files.js';
import { openExtractor } from '../src/main.js';
import { createApp } from '../src/serve/app.js';
import { createApiKey } from '../src/serve/auth.js';
import { listen, type RunningServer } from '../src/serve/server.js';
import { uiRoutes, WEB_DIST } from '../src/serve/ui.js';
import type { GraphStore } from '../src/store/graph-store.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-graph-store.js';

const CHROMIUM = process.env.KIZASHI_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '../test-output/screenshots');
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`web UI tests skipped: no Chromium at ${CHROMIUM} (.ci/run installs the Debian package)`);

/** Script payloads: each one, if it ever ran, would call window.__xss(label). */
const PAYLOADS = [
  `<img src=x onerror="__xss('img')">`,
  `<script>__xss('script')</script>`,
  `"><svg onload="__xss('svg')">`,
  `javascript:__xss('href')`,
  `<iframe srcdoc="<script>parent.__xss('iframe')</script>"></iframe>`,
];

let dir: string;
let store: GraphStore;
let server: RunningServer;
let browser: Browser;
let editorKey: string;
const xss: string[] = [];
const cspViolations: string[] = [];

async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`${server.url}/${hash}`);
  await page.waitForFunction(() => document.getElementById('main')?.getAttribute('aria-busy') === 'false');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

describe.skipIf(!HAS_CHROMIUM)('web workspace in Chromium', () => {
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html')))
      await build({ configFile: join(import.meta.dirname, 'vite.config.ts'), logLevel: 'warn' });
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'kizashi-ui-'));
    store = openSqliteStore(join(dir, 'kizashi.db'));
    const extractor = await openExtractor({ ignoreHome: true });
    await ingestFiles([join(import.meta.dirname, '../corpus')], extractor, store);
    for (const [i, p] of PAYLOADS.entries()) {
      await storeDocument(
        {
          id: `report--0000000${i}-bbbb-4bbb-8bbb-bbbbbbbbbbbb`,
          title: `XSS ${i} ${p}`,
          text: `ランサムウェア「${p}」が確認された。The ${p.replace(/\s/g, '')} ransomware hit Kadokawa. 詳細は ${p} を参照。`,
          lang: 'ja',
          url: i === 3 ? p : `https://xss.example/${i}`,
          source: `XSS outlet ${p}`,
          published: '2025-01-20T09:00:00.000Z', // a day of its own: the screenshots of 2025-01-08 stay clean
          origin: 'xss',
        },
        extractor,
        store,
      );
    }
    editorKey = (await createApiKey(store, 'ui-test', 'editor')).secret;
    server = await listen(createApp({ store, extractor, ui: uiRoutes() }), { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.exposeFunction('__xss', (label: string) => xss.push(label));
    page.on('dialog', (d) => {
      xss.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    // Sign in through the header form, as an analyst would.
    await page.goto(`${server.url}/#/`);
    await page.fill('#api-key', editorKey);
    await page.click('header form.key button');
    await page.waitForFunction(() => document.getElementById('main')?.getAttribute('aria-busy') === 'false');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens Today with the digest, ranked stories and new entities, in Japanese and English', async () => {
    await open(page, '#/?date=2025-01-08&days=7');
    expect(await page.locator('[data-testid=digest] > li').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=stories] > li').count()).toBeGreaterThan(0);
    // Countries and organisations by the names Japanese readers know (警察庁), actors as the industry writes them.
    const chips = async (): Promise<string[]> => page.locator('[data-testid=stories] .chip').allTextContents();
    expect(await chips()).toEqual(expect.arrayContaining(['警察庁', 'MirrorFace']));
    await shot(page, 'today-ja');
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(
      () => document.documentElement.lang === 'en' && document.getElementById('main')?.getAttribute('aria-busy') === 'false',
    );
    expect(await page.locator('h1').first().textContent()).toContain('Today');
    expect(await chips()).toEqual(expect.arrayContaining(['National Police Agency (Japan)', 'MirrorFace']));
    await shot(page, 'today-en');
  });

  it('opens a story with its sources side by side, the claims ledger and the timeline', async () => {
    await open(page, '#/?date=2025-01-08&days=7');
    const stories = page.locator('[data-testid=stories] > li');
    const n = await stories.count();
    let opened = false;
    for (let i = 0; i < n && !opened; i++) {
      const text = (await stories.nth(i).textContent()) ?? '';
      if (!/ja\/en|en\/ja/.test(text)) continue;
      await stories.nth(i).locator('a').first().click();
      await page.waitForFunction(
        () =>
          document.getElementById('main')?.dataset.route === 'story' &&
          document.getElementById('main')?.getAttribute('aria-busy') === 'false',
      );
      opened = true;
    }
    expect(opened).toBe(true);
    expect(await page.locator('[data-testid=story-sources] article').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.timeline-list li').count()).toBeGreaterThanOrEqual(2);
    await shot(page, 'story');
  });

  it('shows an attack’s attribution in the claims ledger, with a gang’s own claim marked as such', async () => {
    const blackSuit = (await store.listObjects({ type: 'malware', limit: 200 })).find((o) => o.name === 'BlackSuit');
    await open(page, `#/entity/${blackSuit?.id ?? ''}`);
    const ledger = (await page.locator('[data-testid=claims]').textContent()) ?? '';
    expect(ledger).toMatch(/KADOKAWAへの攻撃|attack on KADOKAWA/);
    expect(ledger).toMatch(/BlackSuit(?:自身| itself)/);
  });

  it('highlights a document’s mentions; confirming and rejecting a mention is stored and changes the extraction', async () => {
    const [hit] = await store.search('MirrorFace', { kind: 'document' });
    await open(page, `#/doc/${hit?.id ?? ''}`);
    const marks = page.locator('[data-testid=doc-text] .mention');
    const before = await marks.count();
    expect(before).toBeGreaterThan(2);
    expect(await marks.first().getAttribute('title')).toMatch(/—/);
    await marks.first().click();
    await page.click('[data-testid=mention-panel] button:has-text("確認"), [data-testid=mention-panel] button:has-text("Confirm")');
    await page
      .waitForFunction(() => document.querySelector('.mention.v-confirm') !== null, undefined, { timeout: 5000 })
      .catch(async (e: Error) => {
        throw new Error(`${e.message}; panel: ${await page.locator('[data-testid=mention-panel]').textContent()}`);
      });
    await shot(page, 'document');
    const target = marks.nth(1);
    const objectId = await target.getAttribute('data-object');
    const surface = await target.textContent();
    await target.click();
    await page.click('[data-testid=mention-panel] button.danger');
    // The rejected alias of that entity is no longer highlighted anywhere in the document.
    await page.waitForFunction(
      ([id, text]) =>
        ![...document.querySelectorAll(`[data-testid=doc-text] .mention[data-object="${id}"]`)].some((m) => m.textContent === text),
      [objectId, surface] as const,
    );
    const verdicts = (await store.listFeedback({ documentId: hit?.id ?? '' })).map((f) => f.verdict).sort();
    expect(verdicts).toEqual(['confirm', 'reject']);
  });

  it('opens an entity page: the relationship graph and the ATT&CK heat map render', async () => {
    const actor = (await store.listObjects({ type: 'intrusion-set', limit: 50 })).find((o) => o.name === 'Volt Typhoon');
    await open(page, `#/entity/${actor?.id ?? ''}`);
    await page.waitForSelector('[data-testid=graph] canvas');
    expect(Number(await page.getAttribute('[data-testid=graph]', 'data-nodes'))).toBeGreaterThan(2);
    expect(await page.locator('.heatmap .cell').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=aliases] .chip').count()).toBeGreaterThan(0);
    await page.waitForSelector('[data-testid=indicators][data-loaded=true]');
    await shot(page, 'entity');
  });

  it('searches in Japanese and in English', async () => {
    await open(page, `#/search?q=${encodeURIComponent('警察庁')}`);
    expect(await page.locator('[data-testid=hits] li').count()).toBeGreaterThan(0);
    await open(page, '#/search?q=Volt%20Typhoon');
    expect(await page.locator('[data-testid=hits] li').count()).toBeGreaterThan(0);
    expect(await page.locator('.snippet mark').count()).toBeGreaterThan(0);
    await shot(page, 'search');
  });

  it('shows sources and ingests a file with progress', async () => {
    await open(page, '#/sources');
    expect(await page.locator('[data-testid=sources] li').count()).toBeGreaterThan(5);
    await open(page, '#/ingest');
    await page.setInputFiles('#ingest-file', {
      name: 'note.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('---\ntitle: UI upload\n---\nLazarus Group used TraderTraitor.'),
    });
    await page.click('form:has(#ingest-file) button[type=submit]');
    await page.waitForFunction(() => /new|unchanged/.test(document.querySelector('[data-testid=ingest-status]')?.textContent ?? ''));
  });

  it('works on a phone-sized screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${server.url}/#/`);
    await phone.evaluate((key) => sessionStorage.setItem('kizashi.key', key), editorKey);
    await open(phone, '#/?date=2025-01-08&days=7');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shot(phone, 'today-phone');
    await phone.close();
  });

  it('meets WCAG AA text contrast on every page (4.5:1, 3:1 for large text)', async () => {
    const story = await page.evaluate(() => document.querySelector<HTMLAnchorElement>('a[href^="#/story/"]')?.getAttribute('href'));
    const docs = await store.listDocuments({ limit: 1 });
    const actor = (await store.listObjects({ type: 'intrusion-set', limit: 50 })).find((o) => o.name === 'Volt Typhoon');
    const pages = [
      '#/?date=2025-01-08&days=7',
      story ?? '#/',
      `#/doc/${docs[0]?.id ?? ''}`,
      `#/entity/${actor?.id ?? ''}`,
      '#/search?q=Volt%20Typhoon',
      '#/sources',
      '#/ingest',
    ];
    let checked = 0;
    let lowest = Infinity;
    const failures: string[] = [];
    for (const hash of pages) {
      await open(page, hash);
      const result = await page.evaluate(contrastAudit);
      checked += result.checked;
      lowest = Math.min(lowest, result.lowest);
      failures.push(...result.failures.map((f) => `${hash} ${f}`));
    }
    console.log(`contrast audit: ${checked} text elements on ${pages.length} pages, lowest ratio ${lowest.toFixed(2)}`);
    expect(checked).toBeGreaterThan(100);
    expect(failures).toEqual([]);
    // The audit itself sees a pale grey line (2.3:1 on white).
    await page.evaluate(() => {
      const probe = document.createElement('p');
      probe.textContent = 'contrast probe';
      probe.style.color = '#aaaaaa';
      probe.style.background = '#ffffff';
      document.getElementById('main')?.append(probe);
    });
    expect((await page.evaluate(contrastAudit)).failures.join('\n')).toContain('contrast probe');
  });

  it('never runs script from titles, bodies, URLs or entity names (and the CSP is never violated by the app itself)', async () => {
    await open(page, '#/?date=2025-01-20&days=1');
    expect(await page.locator('[data-testid=digest]').textContent()).toContain(`<img src=x onerror="__xss('img')">`); // shown as text
    await shot(page, 'xss-as-text');
    for (const hash of ['#/search?q=XSS', '#/sources']) await open(page, hash);
    for (let i = 0; i < PAYLOADS.length; i++) {
      await open(page, `#/doc/report--0000000${i}-bbbb-4bbb-8bbb-bbbbbbbbbbbb`);
      const marks = page.locator('[data-testid=doc-text] .mention');
      if ((await marks.count()) > 0) await marks.first().click();
    }
    const learned = (await store.listObjects({ type: 'malware', limit: 500 })).filter((o) => /[<>"]/.test(o.name));
    expect(learned.length).toBeGreaterThan(0); // entity names that carry payloads exist …
    for (const o of learned.slice(0, 5)) await open(page, `#/entity/${o.id}`); // … and their pages render them as text
    await page.waitForTimeout(300);
    expect(xss).toEqual([]);
    expect(cspViolations).toEqual([]);
    const headers = (await page.goto(`${server.url}/`))?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
  });
});

/**
 * In the page: every visible element with its own text, its colour against the first opaque background behind it
 * (ancestors' background colours composited), and the WCAG 2.1 contrast ratio. Runs in the browser.
 */
function contrastAudit(): { checked: number; lowest: number; failures: string[] } {
  type Rgba = [number, number, number, number];
  const parse = (c: string): Rgba => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    const [r = 0, g = 0, b = 0, a = 1] = (m?.[1] ?? '0,0,0,0')
      .split(/[ ,/]+/)
      .filter(Boolean)
      .map(Number);
    return [r, g, b, m?.[1]?.split(/[ ,/]+/).filter(Boolean).length === 4 ? a : 1];
  };
  const over = (top: Rgba, under: Rgba): Rgba => {
    const a = top[3];
    return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
  };
  const background = (el: Element): Rgba => {
    const layers: Rgba[] = [];
    for (let e: Element | null = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    return layers.reduceRight<Rgba>((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const luminance = ([r, g, b]: Rgba): number => {
    const lin = (v: number): number => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  let checked = 0;
  let lowest = Infinity;
  const failures: string[] = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
    if (!own || el.closest('canvas, svg, [aria-hidden=true]')) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility !== 'visible' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a) as [number, number];
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    checked++;
    lowest = Math.min(lowest, ratio);
    if (ratio < (large ? 3 : 4.5)) {
      const name = `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`;
      failures.push(
        `${name} "${(el.textContent ?? '').trim().slice(0, 30)}" ${ratio.toFixed(2)} (${style.color} on rgb(${bg.slice(0, 3).map(Math.round).join(',')}))`,
      );
    }
  }
  return { checked, lowest, failures };
}
