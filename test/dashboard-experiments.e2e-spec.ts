/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { canvasInk, DESKTOP, launchBrowser, openPage, PHONE, screenshot, watchedPage, type WatchedPage } from './support/browser.js';
import { useTestApp } from './support/test-app.js';

// The dashboard's Experiments page in a real headless Chromium against the real app (API_KEY set).
const API_KEY = 'dashboard-experiments-key';
const OKABE_ITO: Record<string, string> = { round_robin: '#E69F00', random: '#56B4E9', greedy: '#009E73', hybrid_ml: '#0072B2', rl_agent: '#D55E00', oracle: '#CC79A7' };

async function api(url: string, path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(`${url}/api/${path}`, { ...init, headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function waitForExperiment(url: string, id: number, timeoutMs = 240_000): Promise<any> {
  const started = Date.now();
  for (;;) {
    const x = await api(url, `experiments/${id}`);
    if (x.status !== 'running') return x;
    if (Date.now() - started > timeoutMs) throw new Error(`experiment ${id} not done within ${timeoutMs} ms: ${JSON.stringify(x.progress)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Row {
  strategy: string;
  mean: number;
  low: number | null;
  high: number | null;
  significant?: boolean;
}

/** The rows of a cell's table, from their data attributes (the values the page drew). */
function tableRows(w: WatchedPage, selector: string): Promise<Row[]> {
  return w.page.$$eval(selector, (trs) =>
    trs.map((tr) => {
      const d = (tr as HTMLElement).dataset;
      const n = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
      return { strategy: d.strategy!, mean: Number(d.mean), low: n(d.low), high: n(d.high), ...(d.significant === undefined ? {} : { significant: d.significant === 'true' }) };
    }),
  );
}

const apiBars = (cell: any, metric: string): Row[] => cell.strategies.map((s: any) => ({ strategy: s.strategy, mean: s.metrics[metric].mean, low: s.metrics[metric].low, high: s.metrics[metric].high }));
const apiDifferences = (cell: any): Row[] => cell.differences.map((d: any) => ({ strategy: d.strategy, mean: d.mean, low: d.low, high: d.high, significant: d.significant }));

describe('dashboard: experiments (headless Chromium)', () => {
  const sut = useTestApp('dashboard_experiments', { API_KEY, SIM_FLUSH_TASKS: '64' });
  let browser: Browser;
  let experiment: any;
  let w: WatchedPage | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
    // 2 cells × 3 seeds × 200 tasks, every strategy.
    const created = await api(sut.url, 'experiments', { method: 'POST', body: JSON.stringify({ name: 'dashboard grid', base: { tasks: 200 }, grid: { gpus: [2, 4] }, seeds: [1, 2, 3] }) });
    experiment = await waitForExperiment(sut.url, created.id);
  }, 300_000);

  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('ran the experiment the page shows', () => {
    expect(experiment.status).toBe('completed');
    expect(experiment.cells).toHaveLength(2);
    expect(experiment.cells[0].best).not.toBeNull();
  });

  for (const viewport of [DESKTOP, PHONE]) {
    const size = `${viewport.width}x${viewport.height}`;
    it(`shows each cell's bars with their 95% CIs and the paired differences at ${size}, as the API answers them`, async () => {
      w = await watchedPage(browser, viewport);
      await openPage(w.page, sut.url, `#/experiments?id=${experiment.id}`, 'experiments');
      await w.page.waitForSelector('#experiment-detail[data-status="completed"]');
      // The list shows the experiment, done.
      expect(await w.page.textContent(`#experiments-list tr[data-experiment="${experiment.id}"]`)).toContain('6 / 6 runs');
      for (const cell of experiment.cells) {
        const at = `article[data-cell="${cell.cell}"]`;
        // A bar per strategy drawn in its colour on the chart's canvas (and its interval in the text alternative).
        expect(await w.page.getAttribute(`#cell-${cell.cell}-chart`, 'data-points')).toBe(String(cell.strategies.length));
        // The tallest bar (no strategy with a black fill) has a visible area in its colour.
        const tallest = cell.strategies.filter((s: any) => OKABE_ITO[s.strategy]).sort((a: any, b: any) => b.metrics.meanCompletionTime.mean - a.metrics.meanCompletionTime.mean)[0].strategy;
        expect(await canvasInk(w.page, `#cell-${cell.cell}-chart canvas`, OKABE_ITO[tallest])).toBeGreaterThan(100);
        // The error bars were drawn at the API's 95% CI bounds, and the table beside them says the same.
        const whiskers = JSON.parse((await w.page.getAttribute(`#cell-${cell.cell}-chart`, 'data-whiskers'))!);
        expect(whiskers).toEqual(apiBars(cell, 'meanCompletionTime').map((b) => ({ label: b.strategy, low: b.low, high: b.high })));
        expect(await tableRows(w, `${at} table.bars tbody tr`)).toEqual(apiBars(cell, 'meanCompletionTime'));
        expect(await tableRows(w, `${at} table.differences tbody tr`)).toEqual(apiDifferences(cell));
        expect(await w.page.textContent(`${at} table.differences caption`)).toContain(cell.best);
      }
      await screenshot(w.page, `experiments-${size}`);
      expect(w.problems).toEqual([]);
    });
  }

  it('draws another metric chosen from the keyboard, and labels every control', async () => {
    w = await watchedPage(browser);
    await openPage(w.page, sut.url, `#/experiments?id=${experiment.id}`, 'experiments');
    await w.page.waitForSelector('#experiment-detail[data-status="completed"]');
    await w.page.getByLabel('Metric of the bars').focus();
    await w.page.keyboard.press('ArrowDown'); // the next metric: p95 completion time
    await w.page.waitForSelector('#experiment-detail[data-status="completed"] table.bars[data-metric="p95CompletionTime"]');
    for (const cell of experiment.cells) expect(await tableRows(w, `article[data-cell="${cell.cell}"] table.bars tbody tr`)).toEqual(apiBars(cell, 'p95CompletionTime'));
    expect(await w.page.textContent('article[data-cell="0"] figcaption')).toContain('p95 completion (s)');
    const unlabelled = await w.page.$$eval('main input, main select', (els) => els.filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label')).map((e) => e.outerHTML));
    expect(unlabelled).toEqual([]);
    expect(w.problems).toEqual([]);
  });

  it('starts an experiment from the form, asking for the API key, and shows it', async () => {
    w = await watchedPage(browser);
    await openPage(w.page, sut.url, '#/experiments', 'experiments');
    await w.page.getByLabel('Tasks per run (count)').fill('40');
    await w.page.getByLabel('Seeds per cell (count)').fill('2');
    await w.page.getByLabel('Grid setting').selectOption('arrivalRate');
    await w.page.getByLabel('Its values').fill('1, 4');
    await w.page.click('#experiment-form button[type=submit]');
    await w.page.waitForSelector('#api-key-dialog[open]');
    await w.page.fill('#api-key-input', API_KEY);
    await w.page.keyboard.press('Enter');
    await w.page.waitForFunction(() => /^#\/experiments\?id=\d+$/.test(location.hash));
    const id = Number(await w.page.evaluate(() => new URLSearchParams(location.hash.split('?')[1]).get('id')));
    const created = await api(sut.url, `experiments/${id}`);
    expect(created).toMatchObject({ name: 'dashboard experiment', base: { tasks: 40, gpus: 4 }, grid: { arrivalRate: [1, 4] }, seeds: [1, 2] });
    await w.page.waitForSelector(`#experiments-list tr[data-experiment="${id}"]`);
    // Its cells show once its runs complete (the page polls while it runs).
    await waitForExperiment(sut.url, id);
    await w.page.waitForSelector('#experiment-detail[data-status="completed"] article[data-cell="1"] table.differences', { timeout: 15_000 });
    // The first attempt's 401 is the only answer ≥ 400.
    expect(w.problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});
