// Rate limit benchmark (not a test): `npm run bench:rate-limit`. Needs PostgreSQL (DATABASE_URL's
// server, default postgres://postgres@127.0.0.1:5432/postgres) and a redis-server binary.
//
// Compares builds of the service (BENCH_BUILDS="label=dist-dir,...", default this tree's dist):
// - throughput and p99 of GET /api/simulation/status (Nest's whole pipeline) and of a repeated
//   cached leaderboard (the answer shortcut), with the limiter counting in memory and in Redis;
//   builds take turns in slices, so that the machine's other load falls on all of them;
// - how long a request waits for the limiter while Redis is frozen (SIGSTOP) and while it refuses
//   connections: the limiter must let it through within 200 ms.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort } from '../test/support/ports.js';
import { ROOT, scratchDatabase, startApp } from './support/app-process.js';
import { median } from './support/cpu.js';

const SLICES = Number(process.env.BENCH_SLICES ?? 5);
const SLICE_S = Number(process.env.BENCH_SLICE_S ?? 2);
const CONNECTIONS = 20;
const FAIL_OPEN_REQUESTS = 20;
// BENCH_BACKENDS=redis measures the Redis rows only; BENCH_FAIL_OPEN=false skips the outage table.
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'memory,redis').split(',') as ('memory' | 'redis')[];
const FAIL_OPEN = process.env.BENCH_FAIL_OPEN !== 'false';

interface Build {
  label: string;
  dist: string;
}

const BUILDS: Build[] = (process.env.BENCH_BUILDS ?? 'this=dist').split(',').map((spec) => {
  const [label, dir] = spec.split('=');
  return { label, dist: path.resolve(ROOT, dir) };
});

interface Running {
  url: string;
  stop(): Promise<void>;
}

function start(build: Build, databaseUrl: string, env: Record<string, string>): Promise<Running> {
  return startApp(databaseUrl, { LOG_LEVEL: 'error', HOST: '127.0.0.1', ...env }, build);
}

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** Builds take turns, SLICES slices of SLICE_S each; the median slice of each. */
async function throughput(apps: Running[], path_: string): Promise<{ rps: number; p99: number }[]> {
  for (const app of apps) await autocannon({ url: `${app.url}${path_}`, connections: CONNECTIONS, duration: 1 });
  const slices = apps.map(() => [] as autocannon.Result[]);
  for (let s = 0; s < SLICES; s++) {
    for (const [i, app] of apps.entries()) slices[i].push(await autocannon({ url: `${app.url}${path_}`, connections: CONNECTIONS, duration: SLICE_S }));
  }
  const refused = slices.flat().reduce((n, r) => n + r.non2xx, 0);
  // THROTTLE_LIMIT is meant to refuse nothing here: a 429 is answered faster than the route, and would flatter a build.
  if (refused > 0) console.log(`(${refused} answers were not 2xx on ${path_}: these figures are not comparable)`);
  return slices.map((results) => ({ rps: median(results.map((r) => r.requests.average)), p99: median(results.map((r) => r.latency.p99)) }));
}

/** Sequential requests, each from a client address of its own (so each needs the limiter's verdict from Redis). */
async function latencies(url: string, n: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/api/simulation/status`, { headers: { 'x-forwarded-for': `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    ms.push(performance.now() - started);
  }
  return ms;
}

async function main(): Promise<void> {
  // A database per build: on a shared one the first build to start leads the runs and the others
  // follow, which changes what their routes cost and favours whichever is listed first.
  // Made one after the other and dropped in reverse: without DATABASE_URL the first starts the embedded server, and stops it.
  const dbs = [];
  for (let i = 0; i < BUILDS.length; i++) dbs.push(await scratchDatabase(`bench_ratelimit_${i}`));
  const redis = await startRedis();
  // Every figure, for the closing JSON line.
  const figures: Record<string, unknown> = {};
  const say = (line: string) => console.log(line);
  try {
    // Migrations first (one app per database), then a run to read the leaderboard of.
    for (const [i, db] of dbs.entries()) {
      const first = await start(BUILDS[i], db.url, {});
      await first.stop();
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query(`INSERT INTO simulation_state (id, name, kind, status, seed, config) VALUES (1, 'bench', 'batch', 'completed', 1, '{}')`);
      await client.end();
    }

    say(`| backend | route | ${BUILDS.map((b) => `${b.label} req/s | ${b.label} p99 ms`).join(' | ')} |`);
    for (const backend of BACKENDS) {
      const env = { THROTTLE_LIMIT: '1000000', THROTTLE_TTL_S: '60', CACHE_TTL_S: '600' };
      const apps: Running[] = [];
      // Each build on a Redis database of its own, so that neither counts the other's requests.
      for (const [i, build] of BUILDS.entries()) apps.push(await start(build, dbs[i].url, backend === 'redis' ? { ...env, REDIS_URL: `${redis.url}/${i}` } : env));
      try {
        for (const route of ['/api/simulation/status', '/api/metrics/leaderboard?runId=1']) {
          const results = await throughput(apps, route);
          figures[`${backend} ${route}`] = Object.fromEntries(BUILDS.map((b, i) => [b.label, { rps: Math.round(results[i].rps), p99Ms: results[i].p99 }]));
          say(`| ${backend} | ${route} | ${results.map((r) => `${Math.round(r.rps)} | ${r.p99}`).join(' | ')} |`);
        }
      } finally {
        for (const app of apps) await app.stop();
      }
    }

    if (!FAIL_OPEN) {
      console.log(JSON.stringify(figures));
      return;
    }
    say('');
    say(`| Redis | ${BUILDS.map((b) => `${b.label} median ms | ${b.label} max ms`).join(' | ')} |`);
    const env = { THROTTLE_LIMIT: '1000000', TRUST_PROXY: 'true', CACHE_TIMEOUT_MS: '200' };
    const frozen: string[] = [];
    const refused: string[] = [];
    for (const [i, build] of BUILDS.entries()) {
      const app = await start(build, dbs[i].url, { ...env, REDIS_URL: redis.url });
      try {
        await latencies(app.url, 5);
        redis.child.kill('SIGSTOP');
        const ms = await latencies(app.url, FAIL_OPEN_REQUESTS);
        frozen.push(`${median(ms).toFixed(0)} | ${Math.max(...ms).toFixed(0)}`);
        figures[`frozen ${build.label}`] = { medianMs: median(ms), maxMs: Math.max(...ms) };
      } finally {
        redis.child.kill('SIGCONT');
        await app.stop();
      }
      const away = await start(build, dbs[i].url, { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
      try {
        await latencies(away.url, 5);
        const ms = await latencies(away.url, FAIL_OPEN_REQUESTS);
        refused.push(`${median(ms).toFixed(1)} | ${Math.max(...ms).toFixed(1)}`);
        figures[`refused ${build.label}`] = { medianMs: median(ms), maxMs: Math.max(...ms) };
      } finally {
        await away.stop();
      }
    }
    say(`| frozen (SIGSTOP) | ${frozen.join(' | ')} |`);
    say(`| refusing connections | ${refused.join(' | ')} |`);
    console.log(JSON.stringify(figures));
  } finally {
    redis.child.kill('SIGKILL');
    for (const db of dbs.reverse()) await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
