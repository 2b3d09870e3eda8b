/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { canvasInk, DESKTOP, launchBrowser, openPage, PHONE, screenshot, watchedPage, type WatchedPage } from './support/browser.js';
import { query } from './support/database.js';
import { FeedClient } from './support/feed-client.js';
import { waitForRun } from './support/runs.js';
import { useTestApp } from './support/test-app.js';

// The dashboard in a real headless Chromium against the real app (with API_KEY set, so changes ask for it).
const API_KEY = 'dashboard-test-key';
const HYBRID_ML_BLUE = '#0072B2';

const PAGES: { name: string; hash: string; page: string }[] = [
  { name: 'live', hash: '#/live', page: 'live' },
  { name: 'leaderboard', hash: '#/leaderboard', page: 'leaderboard' },
  { name: 'runs', hash: '#/runs', page: 'runs' },
  { name: 'placement', hash: '#/placement', page: 'placement' },
];

async function api(url: string, path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(`${url}/api/${path}`, { ...init, headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The key as the page keeps it once given (the pause test shows the page asking for it). */
const giveKey = (w: WatchedPage) => w.page.evaluate((key) => sessionStorage.setItem('hms-api-key', key), API_KEY);

const status = async (url: string) => (await (await fetch(`${url}/api/simulation/status`)).json()) as { isRunning: boolean; isPaused: boolean; tasksProcessed: number };

describe('dashboard (headless Chromium)', () => {
  const sut = useTestApp('dashboard', { API_KEY, SIM_TICK_MS: '50', SIM_RETRAIN_INTERVAL: '50', SIM_WINDOW_TASKS: '50' });
  let browser: Browser;
  let batchId: number;
  let w: WatchedPage | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
    await api(sut.url, 'simulation/start', { method: 'POST', body: '{}' });
    const created = await api(sut.url, 'simulation/runs', { method: 'POST', body: JSON.stringify({ kind: 'batch', name: 'dashboard', tasks: 600, seed: 7, retrainInterval: 100, retrainLag: 0 }) });
    batchId = created.id;
    await waitForRun(sut.url, batchId, 120_000);
  }, 180_000);

  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const viewport of [DESKTOP, PHONE]) {
    const size = `${viewport.width}x${viewport.height}`;
    it.each(PAGES)(`loads the $name page at ${size} with no console error and no failed request`, async ({ name, hash, page }) => {
      w = await watchedPage(browser, viewport);
      await openPage(w.page, sut.url, hash, page);
      await w.page.waitForLoadState('networkidle').catch(() => undefined);
      await screenshot(w.page, `${name}-${size}`);
      expect(w.problems).toEqual([]);
    });

    it(`loads a run's detail page at ${size} with every chart drawn`, async () => {
      w = await watchedPage(browser, viewport);
      await openPage(w.page, sut.url, `#/runs/${batchId}`, 'runs-detail');
      await w.page.waitForSelector('#gantt g.task');
      await screenshot(w.page, `run-detail-${size}`);
      const charts = await w.page.$$eval('.chart[data-points]', (els) => els.map((e) => Number((e as HTMLElement).dataset.points)));
      // Windows, regret and the learning curve, each with data.
      expect(charts.length).toBe(3);
      for (const points of charts) expect(points).toBeGreaterThan(0);
      // hybrid_ml's line is drawn on the windows chart (its canvas has pixels in its colour), and so is the R² series.
      expect(await canvasInk(w.page, 'section:nth-of-type(1) .chart canvas', HYBRID_ML_BLUE)).toBeGreaterThan(50);
      expect(await canvasInk(w.page, 'section:nth-of-type(3) .chart canvas', HYBRID_ML_BLUE)).toBeGreaterThan(10);
      expect(w.problems).toEqual([]);
    });
  }

  it('updates the live page within 3 s of a /ws message, and draws its charts', async () => {
    w = await watchedPage(browser);
    await openPage(w.page, sut.url, '#/live', 'live');
    const feed = await FeedClient.connect(sut.url);
    try {
      const seen = Date.now();
      for (; feed.taskIds().length === 0; ) await new Promise((r) => setTimeout(r, 10));
      const id = feed.taskIds()[0];
      // The page shows that task (or a later one) within 3 s of the message's arrival here.
      await w.page.waitForFunction((min) => Number(document.getElementById('live-last-task')?.dataset.task) >= min, id, { timeout: 3000 - (Date.now() - seen) });
    } finally {
      await feed.close();
    }
    // Charts redraw every second: the windows chart fills once 20 tasks came in.
    await w.page.waitForFunction(() => Number(document.getElementById('live-windows')?.dataset.points) >= 2, undefined, { timeout: 10_000 });
    await w.page.waitForFunction(() => Number(document.getElementById('live-throughput-chart')?.dataset.points) >= 1);
    expect(await canvasInk(w.page, '#live-windows canvas', HYBRID_ML_BLUE)).toBeGreaterThan(20);
    expect(await w.page.$$eval('#live-devices tr[data-device]', (rows) => rows.length)).toBeGreaterThan(1);
    await screenshot(w.page, 'live-running-1280x800');
    expect(w.problems).toEqual([]);
  });

  it('pauses and resumes the continuous run, asking for the API key once', async () => {
    w = await watchedPage(browser);
    await openPage(w.page, sut.url, '#/live', 'live');
    await w.page.waitForSelector('#live-status[data-state="running"]');
    await w.page.click('button[data-action="pause"]');
    // The API answers 401 without the key: the page asks for it.
    await w.page.waitForSelector('#api-key-dialog[open]');
    await w.page.fill('#api-key-input', API_KEY);
    await w.page.keyboard.press('Enter');
    await w.page.waitForSelector('#live-status[data-state="paused"]');
    expect((await status(sut.url)).isPaused).toBe(true);
    await w.page.click('button[data-action="resume"]');
    await w.page.waitForSelector('#live-status[data-state="running"]');
    expect((await status(sut.url)).isPaused).toBe(false);
    // The first attempt's 401 is the only answer ≥ 400.
    expect(w.problems.filter((p) => !p.includes('401'))).toEqual([]);
  });

  it("shows a CSV trace's bad row with its error against that row", async () => {
    w = await watchedPage(browser);
    await openPage(w.page, sut.url, '#/runs', 'runs');
    await giveKey(w);
    const csv = ['task_id,size,compute_intensity,memory_required,arrival_time', '0,1000,0.5,100,0', '1,1000,banana,100,1', '2,1000,0.5,100,2'].join('\n');
    await w.page.setInputFiles('#csv-form input[type=file]', { name: 'trace.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await w.page.click('#csv-form button[type=submit]');
    const row = await w.page.waitForSelector('#csv-errors tr[data-row="2"]');
    expect(await row.$eval('code', (c) => c.textContent)).toBe('1,1000,banana,100,1');
    expect(await row.$eval('td.error', (c) => c.textContent)).toContain('compute_intensity');
    expect(await w.page.$$eval('#csv-errors tr.bad-row', (rows) => rows.length)).toBe(1);
    await screenshot(w.page, 'csv-error-1280x800');
  });

  it('draws the Gantt bars of a 20-task range at their stored start and finish', async () => {
    w = await watchedPage(browser);
    await openPage(w.page, sut.url, `#/runs/${batchId}`, 'runs-detail');
    await w.page.selectOption('#gantt-form select[name=strategy]', 'eft');
    await w.page.fill('#gantt-form input[name=from]', '100');
    await w.page.fill('#gantt-form input[name=count]', '20');
    await w.page.click('#gantt-form button[type=submit]');
    await w.page.waitForFunction(() => document.querySelector('#gantt g.task')?.getAttribute('data-task') === '100');
    const bars = await w.page.$$eval('#gantt g.task', (gs) => gs.map((g) => ({ task: Number(g.getAttribute('data-task')), start: Number(g.getAttribute('data-start')), finish: Number(g.getAttribute('data-finish')) })));
    const stored = await query<{ task: number; start: number; finish: number }>(
      sut.databaseUrl,
      `SELECT task_id AS task, start_time AS start, finish_time AS finish FROM scheduler_results WHERE run_id = $1 AND scheduler_name = 'eft' AND task_id BETWEEN 100 AND 119 ORDER BY task_id`,
      [batchId],
    );
    expect(stored).toHaveLength(20);
    expect(bars).toEqual(stored.map((r) => ({ task: r.task, start: Number(r.start), finish: Number(r.finish) })));
    // Keyboard: a task takes focus and lights up its dependencies.
    await w.page.focus('#gantt g.task[data-deps]:not([data-deps=""])').catch(() => undefined);
    await screenshot(w.page, 'gantt-1280x800');
    expect(w.problems).toEqual([]);
  });

  it("places a task and shows every strategy's placement and why", async () => {
    w = await watchedPage(browser);
    await openPage(w.page, sut.url, '#/placement', 'placement');
    await giveKey(w);
    await w.page.getByLabel('Size (work units)').fill('3000');
    await w.page.click('#placement-form button[type=submit]');
    await w.page.waitForSelector('#placements tr.recommended');
    expect(await w.page.$$eval('#placements tbody tr', (rows) => rows.length)).toBe(7);
    expect(await w.page.$$eval('#eft-reasons tbody tr', (rows) => rows.length)).toBe(5);
    expect(await w.page.$$eval('#rl-reasons tbody tr', (rows) => rows.length)).toBeGreaterThan(1);
    expect(await w.page.textContent('#ml-reason')).toMatch(/oracle's f/);
    await screenshot(w.page, 'placement-1280x800');
    expect(w.problems).toEqual([]);
  });

  it('works from the keyboard: the menu, and sorting the leaderboard', async () => {
    w = await watchedPage(browser);
    await openPage(w.page, sut.url, '#/live', 'live');
    // Tab past the skip link to the menu, then along it to Leaderboard.
    await w.page.keyboard.press('Tab');
    expect(await w.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await w.page.keyboard.press('Tab');
    await w.page.keyboard.press('Tab');
    expect(await w.page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#/leaderboard');
    await w.page.keyboard.press('Enter');
    await w.page.waitForSelector('main[data-page="leaderboard"] #leaderboard');
    const order = () => w!.page.$$eval('#leaderboard tbody tr', (rows) => rows.map((r) => r.getAttribute('data-strategy')));
    const byMean = await order();
    await w.page.focus('button[data-sort="wins"]');
    await w.page.keyboard.press('Enter');
    expect(await w.page.getAttribute('th:has(button[data-sort="wins"])', 'aria-sort')).toBe('ascending');
    await w.page.keyboard.press('Enter');
    expect(await w.page.getAttribute('th:has(button[data-sort="wins"])', 'aria-sort')).toBe('descending');
    const wins = await w.page.$$eval('#leaderboard tbody td[data-key="wins"]', (cells) => cells.map((c) => Number(c.textContent!.replace(/,/g, ''))));
    expect(wins).toEqual([...wins].sort((a, b) => b - a));
    expect([...(await order())].sort()).toEqual([...byMean].sort());
    // Every form control has a label.
    await openPage(w.page, sut.url, '#/placement', 'placement');
    const unlabelled = await w.page.$$eval('input, select', (els) => els.filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label')).map((e) => e.outerHTML));
    expect(unlabelled).toEqual([]);
    expect(w.problems).toEqual([]);
  });

  it('is served under a strict CSP: no inline scripts or styles, the feed from the same origin', async () => {
    const res = await fetch(`${sut.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    // Assets are relative (any prefix, any replica) and cached by content hash.
    const asset = /src="(assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(`${sut.url}/${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
  });
});
