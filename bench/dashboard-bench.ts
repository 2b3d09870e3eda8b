/// <reference lib="dom" />
// Dashboard first-load benchmark (not a test): `npm run bench:dashboard`. Starts the built service with
// a continuous run, then opens http://…/ in headless Chromium (Debian's, through playwright-core)
// LOADS times, each in a fresh browser context (empty cache: a first load), and times navigation
// start → the live page rendered (its <main data-page="live">) and → the load event. Target: p50 ≤ 1 s.
// Needs a PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
import { chromium } from 'playwright-core';
import { scratchDatabase, startApp } from './support/app-process.js';

const LOADS = Number(process.env.BENCH_LOADS ?? 30);
const WARMUP = 3;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

async function main(): Promise<void> {
  const db = await scratchDatabase('hms_dashboard_bench');
  const app = await startApp(db.url, { SIM_TICK_MS: '100' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    await fetch(`${app.url}/api/simulation/start`, { method: 'POST' });
    const rendered: number[] = [];
    const loaded: number[] = [];
    let bytes = 0;
    for (let i = 0; i < WARMUP + LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      let transferred = 0;
      page.on('response', (r) => void r.body().then((b) => (transferred += b.length)).catch(() => undefined));
      const started = performance.now();
      await page.goto(`${app.url}/`, { waitUntil: 'load' });
      await page.waitForSelector('main[data-page="live"]');
      const wall = performance.now() - started; // with the browser's own overhead, for BENCH_VERBOSE
      // The browser's own clock from navigation start, for the page being shown and for the load event.
      const [shown, load, html, dcl] = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return [performance.getEntriesByName('dashboard-shown')[0].startTime, nav.loadEventEnd, nav.responseEnd, nav.domContentLoadedEventEnd];
      });
      if (process.env.BENCH_VERBOSE) {
        const assets = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => `${r.name.split('/').pop()} ${r.startTime.toFixed(0)}→${(r as PerformanceResourceTiming).responseEnd.toFixed(0)}`));
        console.log({ wall, shown, load, html, dcl, assets });
      }
      if (i >= WARMUP) {
        rendered.push(shown);
        loaded.push(load);
        bytes = transferred;
      }
      await context.close();
    }
    rendered.sort((a, b) => a - b);
    loaded.sort((a, b) => a - b);
    const figures = {
      first_load_rendered_p50_ms: Number(percentile(rendered, 0.5).toFixed(1)),
      first_load_rendered_p95_ms: Number(percentile(rendered, 0.95).toFixed(1)),
      load_event_p50_ms: Number(percentile(loaded, 0.5).toFixed(1)),
      load_event_p95_ms: Number(percentile(loaded, 0.95).toFixed(1)),
      bytes_decoded: bytes,
    };
    console.log(
      `GET / in a fresh Chromium context, ${LOADS} loads: live page rendered p50 ${figures.first_load_rendered_p50_ms} ms, p95 ${figures.first_load_rendered_p95_ms} ms; ` +
        `load event p50 ${figures.load_event_p50_ms} ms, p95 ${figures.load_event_p95_ms} ms`,
    );
    console.log(JSON.stringify({ bench: 'dashboard', ...figures, target_p50_ms: 1000 }));
  } finally {
    await browser.close();
    await app.stop();
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
