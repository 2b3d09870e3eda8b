/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './child-app.js';

// Debian's chromium (`.ci/run` installs it when missing), driven by playwright-core.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of the pages, kept as test artifacts (gitignored). */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

/** A page that records what went wrong in it: console errors, uncaught exceptions, failed requests and answers ≥ 400. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  problems: string[];
  close(): Promise<void>;
}

export async function watchedPage(browser: Browser, viewport = DESKTOP): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A page left while its feed or a poll was in flight is not a failure of the page.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`answer ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return { page, context, problems, close: () => context.close() };
}

export const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

/** Opens a dashboard route (#/…) and waits until the page says it is shown. */
export async function openPage(page: Page, baseUrl: string, hash: string, pageName: string): Promise<void> {
  await page.goto(`${baseUrl}/${hash}`);
  await page.waitForSelector(`main[data-page="${pageName}"]`);
}

/**
 * Pixels of a canvas in a colour (#rrggbb, within a small tolerance): a chart's series drawn in it.
 * Axes and grid are grey, so an empty chart has none of a series' colour.
 */
export function canvasInk(page: Page, selector: string, colour: string): Promise<number> {
  const rgb = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  return page.$eval(
    selector,
    (c, [r, g, b]) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 200 && Math.abs(data[i] - r) < 24 && Math.abs(data[i + 1] - g) < 24 && Math.abs(data[i + 2] - b) < 24) ink++;
      }
      return ink;
    },
    rgb,
  );
}
