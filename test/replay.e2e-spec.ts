import { spawnApp, waitFor200 } from './support/child-app.js';
import { until } from './support/progress.js';
import { restartSuite } from './support/restart-suite.js';

// Committed tasks of the continuous run before the kill: a replay at tick pace would take this many ticks.
const TASKS_BEFORE_KILL = 500;
const CHECKPOINT_TASKS = 400;
// The longest tick there is: one tick-paced task is all the restarted run may add while the test looks.
const SLOW_TICK_MS = '60000';

interface Status {
  runId: number | null;
  isRunning: boolean;
  tasksProcessed: number;
}

async function status(base: string): Promise<Status> {
  return (await (await fetch(`${base}/api/simulation/status`)).json()) as Status;
}

async function legacyTasksProcessed(base: string): Promise<number> {
  return ((await (await fetch(`${base}/api/status`)).json()) as { tasks_processed: number }).tasks_processed;
}

describe('restart of the continuous run with a slow tick', () => {
  const suite = restartSuite('replay');
  const env = (tickMs: string) => ({
    DATABASE_URL: suite.databaseUrl,
    PORT: String(suite.port),
    SIM_AUTOSTART: 'true',
    SIM_TICK_MS: tickMs,
    SIM_FLUSH_TASKS: '50',
    // A checkpoint part of the way: the restart replays the tasks committed after it.
    SIM_CHECKPOINT_TASKS: String(CHECKPOINT_TASKS),
    SIM_BATCH_RETRAIN_INTERVAL: String(CHECKPOINT_TASKS),
    SIM_CHECKPOINT_MS: '3600000',
    // The test reads the status as often as it can.
    THROTTLE_LIMIT: '1000000',
  });

  it('replays to the stored progress at full speed, then goes on at tick pace, and its status never reports less than what was stored', async () => {
    const { base, progress } = suite;
    let app = (suite.app = spawnApp(env('0')));
    await waitFor200(`${base}/ready`, app, 30_000);
    const runId = (await status(base)).runId as number;
    expect(runId).not.toBeNull();
    await until(async () => (await progress.committed(runId)) >= TASKS_BEFORE_KILL, 120_000, 'continuous progress');
    app.child.kill('SIGKILL');
    await app.exited;
    const stored = await progress.committed(runId);
    // Tasks were committed after the last checkpoint: there is something to replay.
    expect(stored % CHECKPOINT_TASKS).toBeGreaterThan(0);

    app = suite.app = spawnApp(env(SLOW_TICK_MS));
    await waitFor200(`${base}/ready`, app, 30_000);
    // From the first answer on, the counters never say less than the stored progress, and never go back.
    const seen: number[] = [];
    await until(
      async () => {
        const s = await status(base);
        expect(s).toMatchObject({ runId, isRunning: true });
        seen.push(s.tasksProcessed, await legacyTasksProcessed(base));
        expect(Math.min(...seen.slice(-2))).toBeGreaterThanOrEqual(stored);
        // The first task after the stored position is committed: the replay is over and one tick has run.
        return (await progress.committed(runId)) > stored;
      },
      120_000,
      'the first task after the stored position',
      20,
    );
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(stored);
    expect(seen.slice(0, -1).filter((n, i) => n > seen[i + 1])).toEqual([]);
    // Past the stored position the run is back at tick pace: one task per 60 s tick, not a sprint.
    expect((await status(base)).tasksProcessed).toBeLessThanOrEqual(stored + 2);

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 300_000);
});
