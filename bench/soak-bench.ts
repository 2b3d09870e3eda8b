// Soak benchmark (not a test): `npm run bench:soak`. The continuous run at SIM_TICK_MS=0 with a
// short retention, long enough to prune many times, while one client reads its leaderboard at a
// steady pace. Every sample prints the database size, the app's RSS and the leaderboard's latency:
// with retention the size levels off, RSS stays within +10% of its value after warm-up, and the
// leaderboard's p99 does not drift. Needs a PostgreSQL server (DATABASE_URL, else an embedded one).
//
// Options (`npm run bench:soak -- --duration 600`): --duration s (default 300), --sample s (30),
// --warmup s (60), --retain s (the retention, 30), --prune-ms (5000), --reads-per-s (5), --vacuum-s (10).
// Deleted rows are reused once vacuumed: on a server with autovacuum off (a test server), the bench
// vacuums the database itself every --vacuum-s, as autovacuum would (the pruned tables, and the
// run's checkpoints and aggregates, rewritten every few seconds). Between two vacuums the tables
// grow by what the run writes meanwhile, so the level they settle at scales with that interval.
import pg from 'pg';
import { scratchDatabase, startApp } from './support/app-process.js';
import { intOption } from './support/cpu.js';

const DURATION_S = intOption('duration', 300);
const SAMPLE_S = intOption('sample', 30);
const WARMUP_S = intOption('warmup', 60);
const RETAIN_S = intOption('retain', 30);
const PRUNE_MS = intOption('prune-ms', 5000);
const READS_PER_S = intOption('reads-per-s', 5);
const VACUUM_S = intOption('vacuum-s', 10);
// --tables 1: after each sample, the six largest tables with their live and dead rows.
const TABLES = intOption('tables', 0) === 1;
const MB = 1024 * 1024;

interface Sample {
  t: number;
  tasks: number;
  databaseMb: number;
  rawMb: number;
  modelsMb: number;
  rssMb: number;
  p50: number;
  p99: number;
  reads: number;
}

/** The gauges of a Prometheus exposition, by name and label set (`name{labels}`). */
function gauges(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const db = await scratchDatabase('hms_soak');
  const app = await startApp(db.url, {
    HOST: '127.0.0.1',
    SIM_AUTOSTART: 'true',
    SIM_TICK_MS: '0',
    // Checkpoints every few seconds: pruning keeps what a resume from the last one reads.
    SIM_CHECKPOINT_MS: '5000',
    RETAIN_DAYS: String(RETAIN_S / 86_400),
    RETAIN_PRUNE_MS: String(PRUNE_MS),
    THROTTLE_LIMIT: '1000000',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  }).catch(async (e: unknown) => {
    await db.drop();
    throw e;
  });
  const base = app.url;
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const autovacuum = (await admin.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0].autovacuum === 'on';
  let latencies: number[] = [];
  let reading = true;
  // One client, READS_PER_S leaderboard reads a second (each after the last answered).
  const reader = (async () => {
    while (reading) {
      const started = performance.now();
      const res = await fetch(`${base}/api/metrics/leaderboard`).catch(() => undefined);
      await res?.arrayBuffer();
      if (res?.ok) latencies.push(performance.now() - started);
      const wait = 1000 / READS_PER_S - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();

  // Autovacuum's stand-in on a server that has it off.
  let vacuums = 0;
  const vacuumer = autovacuum
    ? Promise.resolve()
    : (async () => {
        while (reading) {
          await new Promise((r) => setTimeout(r, VACUUM_S * 1000));
          if (!reading) break;
          await admin.query('VACUUM');
          vacuums++;
        }
      })();

  const samples: Sample[] = [];
  const startedAt = performance.now();
  console.log(`soak: continuous run at SIM_TICK_MS=0 for ${DURATION_S} s, retention ${RETAIN_S} s (pruned every ${PRUNE_MS} ms), leaderboard read ${READS_PER_S}/s, a sample every ${SAMPLE_S} s`);
  console.log(autovacuum ? 'autovacuum is on: it reclaims what pruning deletes' : `autovacuum is off on this server: the bench vacuums the database every ${VACUUM_S} s`);
  console.log('| t (s) | tasks | tasks/s | database MB | tasks+results+training MB | model_versions MB | RSS MB | leaderboard p50 / p99 ms (reads) |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  try {
    for (let t = SAMPLE_S; t <= DURATION_S; t += SAMPLE_S) {
      const wait = startedAt + t * 1000 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const g = gauges(await (await fetch(`${base}/metrics`)).text());
      const status = (await (await fetch(`${base}/api/simulation/status`)).json()) as { tasksProcessed: number };
      const table = (name: string) => g.get(`pg_table_size_bytes{table="${name}"}`) ?? 0;
      const sorted = latencies.sort((a, b) => a - b);
      latencies = [];
      const s: Sample = {
        t,
        tasks: status.tasksProcessed,
        databaseMb: (g.get('pg_database_size_bytes') ?? 0) / MB,
        rawMb: (table('tasks') + table('scheduler_results') + table('training_data')) / MB,
        modelsMb: table('model_versions') / MB,
        rssMb: (g.get('process_resident_memory_bytes') ?? 0) / MB,
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        reads: sorted.length,
      };
      const rate = (s.tasks - (samples.at(-1)?.tasks ?? 0)) / SAMPLE_S;
      samples.push(s);
      console.log(
        `| ${t} | ${s.tasks} | ${rate.toFixed(0)} | ${s.databaseMb.toFixed(0)} | ${s.rawMb.toFixed(0)} | ${s.modelsMb.toFixed(1)} | ${s.rssMb.toFixed(0)} | ${s.p50.toFixed(1)} / ${s.p99.toFixed(1)} (${s.reads}) |`,
      );
      if (TABLES) {
        const rows = await admin.query<{ t: string; live: string; dead: string; mb: string }>(
          "SELECT relname AS t, n_live_tup AS live, n_dead_tup AS dead, round(pg_total_relation_size(relid) / 1048576.0, 1) AS mb FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC LIMIT 6",
        );
        console.log(`    tables: ${rows.rows.map((r) => `${r.t} ${r.mb} MB (${r.live} live, ${r.dead} dead)`).join('; ')}`);
      }
    }
    const warm = samples.find((s) => s.t >= WARMUP_S) ?? samples[0];
    const last = samples[samples.length - 1];
    const after = samples.filter((s) => s.t >= warm.t);
    const peakRss = Math.max(...after.map((s) => s.rssMb));
    const half = after.slice(Math.floor(after.length / 2));
    console.log('');
    console.log(`RSS after warm-up (t=${warm.t} s) ${warm.rssMb.toFixed(0)} MB, at the end ${last.rssMb.toFixed(0)} MB (${(((last.rssMb - warm.rssMb) / warm.rssMb) * 100).toFixed(1)}%), peak ${peakRss.toFixed(0)} MB (${(((peakRss - warm.rssMb) / warm.rssMb) * 100).toFixed(1)}%); target ≤ +10%`);
    console.log(`database size: ${warm.databaseMb.toFixed(0)} MB after warm-up, ${Math.min(...half.map((s) => s.databaseMb)).toFixed(0)}–${Math.max(...half.map((s) => s.databaseMb)).toFixed(0)} MB over the second half, ${last.databaseMb.toFixed(0)} MB at the end`);
    console.log(`leaderboard p99 after warm-up: first ${warm.p99.toFixed(1)} ms, last ${last.p99.toFixed(1)} ms, max ${Math.max(...after.map((s) => s.p99)).toFixed(1)} ms`);
    console.log(JSON.stringify({ bench: 'soak', durationS: DURATION_S, retainS: RETAIN_S, autovacuum, vacuumS: autovacuum ? null : VACUUM_S, vacuums, samples }));
  } finally {
    reading = false;
    await reader;
    await vacuumer;
    await admin.end();
    await app.stop();
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
