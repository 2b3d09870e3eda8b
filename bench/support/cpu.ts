// Small helpers the in-process benches share.

/** CPU time of this process (user + system), in ms: on a shared machine it moves far less than wall time. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** `--name value` from the command line, or `fallback`. */
export function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

/** `--name N`, a positive integer, or `fallback`. */
export function intOption(name: string, fallback: number): number {
  const value = Number(option(name, String(fallback)));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** `A=1 B=2` (or comma-separated) as environment variables: what a bench's BENCH_APP_ENV adds to every app it starts. */
export const parseAssignments = (text: string): Record<string, string> =>
  Object.fromEntries(text.split(/[\s,]+/).filter(Boolean).map((pair) => pair.split('=', 2) as [string, string]));
