import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** HTTP_FAST_PATH as the test runner was given it (so that apps under test honour it), or nothing. */
export function fastPathSwitch(): Record<string, string> {
  return process.env.HTTP_FAST_PATH === undefined ? {} : { HTTP_FAST_PATH: process.env.HTTP_FAST_PATH };
}

export interface ChildApp {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  /** Working directory (default: the project root). */
  cwd?: string;
  /** In a process group of its own, as `npm start` in a terminal is: signal it with process.kill(-pid). */
  detached?: boolean;
}

/** Runs the built service (dist/main.js) as its own process, with exactly the given environment on top of PATH. */
export function spawnApp(env: Record<string, string>, options: SpawnOptions = {}): ChildApp {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/main.js')], {
    cwd: options.cwd ?? ROOT,
    detached: options.detached ?? false,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', SIM_AUTOSTART: 'false', ...fastPathSwitch(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Polls url until it answers 200; fails with the app's output after timeoutMs. */
export async function waitFor200(url: string, app: ChildApp, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (app.child.exitCode !== null) throw new Error(`app exited with ${app.child.exitCode}:\n${app.output()}`);
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not 200 within ${timeoutMs} ms:\n${app.output()}`);
}
