// The workspace shell: header (navigation, language, API key), a hash router, and keyboard shortcuts
// ("/" focuses search, "g t" goes to Today).
import './style.css';
import { ApiFailure, apiKey, setApiKey } from './api.js';
import { clear, h } from './dom.js';
import { currentLang, setLang, t } from './i18n.js';
import { documentPage, entityPage, ingestPage, searchPage, sourcesPage, storyPage, todayPage, type Cleanup } from './pages.js';

const header = document.getElementById('top') as HTMLElement;
const main = document.getElementById('main') as HTMLElement;
let cleanup: Cleanup | undefined;

function renderHeader(): void {
  const keyInput = h('input', { type: 'password', id: 'api-key', value: apiKey(), autocomplete: 'off', placeholder: 'kz_…' });
  const route = location.hash.split('?')[0] ?? '';
  const nav = (href: string, label: string): HTMLElement =>
    h('a', { href, ...(route === href || (href === '#/' && (route === '' || route === '#/')) ? { 'aria-current': 'page' } : {}) }, label);
  header.replaceChildren(
    h(
      'nav',
      { 'aria-label': 'kizashi' },
      h('a', { href: '#/', class: 'brand' }, '兆し kizashi'),
      nav('#/', t('today')),
      nav('#/search', t('search')),
      nav('#/sources', t('sources')),
      nav('#/ingest', t('ingest')),
      h(
        'button',
        {
          type: 'button',
          class: 'lang',
          'data-testid': 'lang-toggle',
          onclick: () => {
            setLang(currentLang() === 'ja' ? 'en' : 'ja');
            void render();
          },
        },
        t('language'),
      ),
      h(
        'form',
        {
          class: 'key',
          onsubmit: (e: Event) => {
            e.preventDefault();
            setApiKey(keyInput.value);
            void render();
          },
        },
        h('label', { for: 'api-key' }, t('apiKey')),
        ' ',
        keyInput,
        ' ',
        h('button', { type: 'submit' }, t('save')),
      ),
    ),
  );
}

async function render(): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  document.documentElement.lang = currentLang();
  renderHeader();
  // Each render writes into a fresh view: a page still loading from the previous route (or re-rendering after
  // feedback) writes into its own, detached view and never into the new page.
  clear(main);
  const view = h('div', { class: 'view' });
  main.append(view);
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const [, page = '', id = ''] = path.split('/');
  main.setAttribute('aria-busy', 'true');
  try {
    if (page === 'story') await storyPage(view, decodeURIComponent(id));
    else if (page === 'doc') await documentPage(view, decodeURIComponent(id));
    else if (page === 'entity') {
      const dispose = await entityPage(view, decodeURIComponent(id));
      if (view.isConnected) cleanup = dispose;
      else dispose();
    } else if (page === 'search') await searchPage(view, params);
    else if (page === 'sources') await sourcesPage(view);
    else if (page === 'ingest') ingestPage(view);
    else cleanup = (await todayPage(view, params)) ?? undefined;
  } catch (error) {
    const message = error instanceof ApiFailure && error.status === 401 ? t('needKey') : (error as Error).message;
    view.append(h('p', { class: 'error', role: 'alert' }, message));
  } finally {
    if (view.isConnected) {
      main.setAttribute('aria-busy', 'false');
      main.dataset.route = page || 'today';
    }
  }
}

let pendingG = false;
document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (target.closest('input, textarea, select')) return;
  if (e.key === '/') {
    e.preventDefault();
    if (!location.hash.startsWith('#/search')) location.hash = '#/search';
    setTimeout(() => document.getElementById('search-q')?.focus(), 50);
  } else if (e.key === 'g') pendingG = true;
  else if (pendingG && e.key === 't') {
    location.hash = '#/';
    pendingG = false;
  } else pendingG = false;
});

window.addEventListener('hashchange', () => void render());
void render();
