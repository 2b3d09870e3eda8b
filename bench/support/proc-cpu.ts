// Where the machine's CPU goes during a bench (Linux /proc): the whole machine, one process (with
// its threads) and PostgreSQL's processes, in cores (CPU seconds per second of wall time).
import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ: /proc counts CPU time in ticks of 10 ms on Linux.
const TICK_S = 0.01;

interface Ticks {
  at: number;
  machineBusy: number;
  app: number;
  postgres: number;
}

export interface CoresUsed {
  machine: number;
  app: number;
  postgres: number;
}

/** utime + stime of a process, in ticks (0 once it is gone). */
function processTicks(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function postgresTicks(): number {
  let sum = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') sum += processTicks(pid);
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

function machineBusyTicks(): number {
  // cpu user nice system idle iowait irq softirq steal …
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  const n = values.map(Number);
  return n.reduce((a, b) => a + b, 0) - n[3] - n[4];
}

function sample(appPid: number): Ticks {
  return { at: performance.now(), machineBusy: machineBusyTicks(), app: processTicks(appPid), postgres: postgresTicks() };
}

/**
 * Starts measuring; the function it returns gives the cores used since. PostgreSQL's figure sums
 * its processes alive at both ends (a backend that exits meanwhile is missed); a backend serving
 * another database on the same server counts too.
 */
export function measureCores(appPid: number): () => CoresUsed {
  const start = sample(appPid);
  return () => {
    const end = sample(appPid);
    const seconds = (end.at - start.at) / 1000;
    const cores = (ticks: number) => (ticks * TICK_S) / seconds;
    return { machine: cores(end.machineBusy - start.machineBusy), app: cores(end.app - start.app), postgres: cores(end.postgres - start.postgres) };
  };
}

export const formatCores = (c: CoresUsed) => `${c.machine.toFixed(2)} / ${c.app.toFixed(2)} / ${c.postgres.toFixed(2)}`;
