import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

/**
 * Whether a redis-server binary is on PATH (the Redis fault suites need their own server). Under
 * CI (CI set and not "false"/"0") its absence fails every suite that asks, instead of skipping them.
 */
export const HAS_REDIS_SERVER = redisServerAvailable(process.env.CI);

export function redisServerAvailable(ci: string | undefined, binary = 'redis-server'): boolean {
  if (spawnSync(binary, ['--version']).status === 0) return true;
  if (ci && ci !== 'false' && ci !== '0') {
    throw new Error(`${binary} is not on PATH, and CI=${ci}: the Redis suites would be skipped. Install it (apt-get install redis-server) or unset CI to skip them.`);
  }
  return false;
}

/** A throwaway redis-server on a spare port that a test can freeze (SIGSTOP) and thaw. */
export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const server = new RedisServer(child, port);
    // Ready when it answers a PING.
    for (let attempt = 0; attempt < 100; attempt++) {
      const client = new Redis(server.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
        await client.quit();
        return server;
      } catch {
        client.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port}`);
  }

  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  thaw(): void {
    this.child.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.thaw();
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}
