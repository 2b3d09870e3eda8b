import pg from 'pg';

/** Polls `check` every intervalMs until it holds; throws after timeoutMs. Returns the time it took. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what = 'condition', intervalMs = 10): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return performance.now() - started;
}

/** One open connection for reading a run's committed progress often and cheaply. */
export class ProgressReader {
  private constructor(private readonly client: pg.Client) {}

  static async open(databaseUrl: string): Promise<ProgressReader> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new ProgressReader(client);
  }

  /** simulation_state.tasks_processed of a run: what its last committed flush carried. */
  async committed(runId: number): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>('SELECT tasks_processed::int AS n FROM simulation_state WHERE id = $1', [runId]);
    return rows[0]?.n ?? 0;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
