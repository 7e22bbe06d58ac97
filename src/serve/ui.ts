// The web workspace's files (web/dist, built by Vite), served from memory with a strict Content-Security-Policy:
// scripts and styles from this origin only, no inline code, no framing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Routes for the workspace: /assets/* from the build, everything else under / gets index.html (hash routing). */
export function uiRoutes(dir: string = WEB_DIST): Hono {
  const app = new Hono();
  const files = new Map<string, { body: Buffer; type: string }>();
  if (existsSync(join(dir, 'index.html'))) {
    files.set('/index.html', { body: readFileSync(join(dir, 'index.html')), type: TYPES['.html'] ?? '' });
    const assets = join(dir, 'assets');
    if (existsSync(assets))
      for (const f of readdirSync(assets))
        files.set(`/assets/${f}`, { body: readFileSync(join(assets, f)), type: TYPES[extname(f)] ?? 'application/octet-stream' });
  }
  const send = (path: string, immutable: boolean): Response | undefined => {
    const f = files.get(path);
    if (!f) return undefined;
    return new Response(new Uint8Array(f.body), {
      headers: {
        'content-type': f.type,
        'content-security-policy': UI_CSP,
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
    });
  };
  app.get('/assets/:file', (c) => send(`/assets/${c.req.param('file')}`, true) ?? c.notFound());
  app.get('/', (c) =>
    files.size > 0
      ? (send('/index.html', false) ?? c.notFound())
      : c.text('The web workspace is not built: run `npm run build`.', 503, { 'content-security-policy': UI_CSP }),
  );
  return app;
}
