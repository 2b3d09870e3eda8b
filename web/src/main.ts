import './styles.css';
import { h } from './dom.js';
import { experimentsPage } from './pages/experiments.js';
import { leaderboardPage } from './pages/leaderboard.js';
import { livePage } from './pages/live.js';
import { placementPage } from './pages/placement.js';
import { runDetailPage } from './pages/run-detail.js';
import { runsPage } from './pages/runs.js';

type Cleanup = () => void;

const view = document.getElementById('view') as HTMLElement;
let cleanup: Cleanup = () => undefined;
let generation = 0;

/** Hash routes (#/live, #/runs/3, …): the service serves one page, at `/`. */
async function route(): Promise<void> {
  // Other fragments (the skip link's #view) move focus only, once a page is shown.
  if (!location.hash.startsWith('#/') && generation > 0) return;
  const hash = location.hash.startsWith('#/') ? location.hash : '#/live';
  const [path, query] = hash.slice(1).split('?');
  const params = new URLSearchParams(query ?? '');
  const mine = ++generation;
  cleanup();
  cleanup = () => undefined;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    const current = link.getAttribute('href') !== 'docs' && path.startsWith(link.getAttribute('href')!.slice(1));
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  view.dataset.page = 'loading';
  let next: Cleanup;
  const detail = /^\/runs\/(\d+)$/.exec(path);
  try {
    if (path === '/live') next = livePage(view);
    else if (path === '/leaderboard') next = await leaderboardPage(view, params);
    else if (path === '/runs') next = runsPage(view);
    else if (detail) next = await runDetailPage(view, Number(detail[1]));
    else if (path === '/placement') next = placementPage(view);
    else if (path === '/experiments') next = await experimentsPage(view, params);
    else {
      view.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, 'No such page. ', h('a', { href: '#/live' }, 'Go to the live page')));
      next = () => undefined;
    }
  } catch (e) {
    view.replaceChildren(h('h1', {}, 'Could not load this page'), h('p', { role: 'alert' }, (e as Error).message));
    next = () => undefined;
  }
  if (mine !== generation) return next();
  cleanup = next;
  view.dataset.page = path.split('/')[1] + (detail ? '-detail' : '');
  // For the first-load benchmark (bench/dashboard-bench.ts): when the first page was shown.
  if (performance.getEntriesByName('dashboard-shown').length === 0) performance.mark('dashboard-shown');
  document.title = `${view.querySelector('h1')?.textContent ?? 'Dashboard'} · Hybrid ML Scheduler`;
}

window.addEventListener('hashchange', () => {
  void route().then(() => view.focus({ preventScroll: true }));
});
void route();
