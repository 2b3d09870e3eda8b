import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.setup.js';
import { validateEnv } from '../../src/config/env.schema.js';
import { fastPathSwitch, ROOT } from './child-app.js';
import { createDatabase, dropDatabase } from './database.js';
import { freePort } from './ports.js';
import { TcpProxy } from './tcp-proxy.js';

// Worker threads run JavaScript: an app run from its TypeScript sources fits with the built worker (npm test builds first).
export const BUILT_FOREST_FIT_WORKER = path.join(ROOT, 'dist/runs/fitting/forest-fit.worker.js');
export const BUILT_RUN_WORKER = path.join(ROOT, 'dist/runs/execution/worker/run-worker.js');

export interface RegisteredRoute {
  method: string;
  url: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  /** Every route Fastify was given (the app's route table); only when started with `{ routes: true }`. */
  readonly routes: RegisteredRoute[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Record the app's route table (TestApp.routes). */
  routes?: boolean;
}

/**
 * The real app, in process, on a random port, against the given database (and Redis when set).
 * For an app a test starts and stops itself; a suite's one app comes from useTestApp.
 */
export async function startTestApp(databaseUrl: string, env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
  // HTTP_FAST_PATH from the runner's environment: `npm run test:e2e:no-fast-path` runs suites with it off.
  const config = validateEnv({ SIM_AUTOSTART: 'false', LOG_LEVEL: 'silent', ...fastPathSwitch(), ...env, DATABASE_URL: databaseUrl });
  const app = await createApp({ env: config, databaseUrl, forestFitWorker: BUILT_FOREST_FIT_WORKER, runWorker: BUILT_RUN_WORKER });
  const routes: RegisteredRoute[] = [];
  if (options.routes) {
    // Nest registers the controllers' routes when the app initialises (in listen): record every one.
    app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
  }
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    get routes() {
      if (!options.routes) throw new Error('the route table was not recorded: start the app with { routes: true }');
      return routes;
    },
    close: () => app.close(),
  };
}

export interface SuiteAppOptions extends StartOptions {
  /**
   * Runs once the suite's database exists, before the app starts (fixtures, a Redis server, …);
   * the variables it answers are added to the app's environment.
   */
  beforeStart?: (databaseUrl: string) => Promise<Record<string, string> | void>;
  /** The app reaches PostgreSQL through a TcpProxy the suite can cut and restore (SuiteApp.proxy). */
  proxy?: boolean;
  /** Time allowed for setting up and for tearing down, ms (default: the test timeout). */
  timeout?: number;
}

/** The suite's app; its fields can be read once the suite's beforeAll has run. */
export interface SuiteApp extends Omit<TestApp, 'close'> {
  /** The suite's own database (direct, not through the proxy). */
  readonly databaseUrl: string;
  readonly proxy: TcpProxy;
}

/**
 * One app for the enclosing describe block: beforeAll creates a fresh database and starts the app on it;
 * afterAll closes the app and drops the database. Hooks run in the order they are declared, so a suite's
 * own beforeAll declared after this call sees the app started, and its own afterAll runs after it closed.
 */
export function useTestApp(prefix: string, env: Record<string, string> = {}, options: SuiteAppOptions = {}): SuiteApp {
  let databaseUrl: string | undefined;
  let proxy: TcpProxy | undefined;
  let started: TestApp | undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useTestApp('${prefix}'): ${what} is only there once the suite's beforeAll has run`);
    return value;
  };

  beforeAll(async () => {
    databaseUrl = await createDatabase(prefix);
    let appDatabaseUrl = databaseUrl;
    if (options.proxy) {
      const target = new URL(databaseUrl);
      proxy = await TcpProxy.start(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
      const viaProxy = new URL(databaseUrl);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      appDatabaseUrl = viaProxy.toString();
    }
    const extra = (await options.beforeStart?.(databaseUrl)) ?? {};
    started = await startTestApp(appDatabaseUrl, { ...env, ...extra }, { routes: options.routes });
  }, options.timeout);

  afterAll(async () => {
    try {
      // The app closes cleanly only while it can reach its database.
      await proxy?.restore();
      await started?.close();
    } finally {
      await proxy?.cut();
      if (databaseUrl) await dropDatabase(databaseUrl);
    }
  }, options.timeout);

  return {
    get app() {
      return need(started, 'the app').app;
    },
    get url() {
      return need(started, 'the app').url;
    },
    get routes() {
      return need(started, 'the app').routes;
    },
    get databaseUrl() {
      return need(databaseUrl, 'the database');
    },
    get proxy() {
      if (!options.proxy) throw new Error(`useTestApp('${prefix}'): no proxy was asked for ({ proxy: true })`);
      return need(proxy, 'the proxy');
    },
  };
}

/** GET with timing: the status, the JSON body and how long it took. */
export async function timedGet(url: string): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const res = await fetch(url);
  const body: unknown = await res.json().catch(() => undefined);
  return { status: res.status, body, ms: performance.now() - started };
}
