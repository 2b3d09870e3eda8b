// Every URL is relative to the page: the dashboard works behind any prefix, against any replica.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { message?: string[] | string; errors?: TraceRowError[] } & Record<string, unknown>,
  ) {
    super(Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? `HTTP ${status}`));
  }
}

export interface TraceRowError {
  row: number;
  code: string;
  field?: string;
  message: string;
}

async function answer<T>(res: Response): Promise<T> {
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await res.json() : { message: await res.text() };
  if (!res.ok) throw new ApiError(res.status, body);
  return body as T;
}

export async function get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return answer<T>(await fetch(`api/${path}${qs ? `?${qs}` : ''}`, { headers: { accept: 'application/json' } }));
}

const KEY_STORAGE = 'hms-api-key';

/**
 * A change (POST/DELETE): sends the API key once one was given; on a 401 asks for it in a dialog and
 * tries again with it (cancelled: the 401 stands).
 */
export async function send<T>(method: 'POST' | 'DELETE', path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { accept: 'application/json' };
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (key) headers['x-api-key'] = key;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = contentType;
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`api/${path}`, { method, headers, body: payload });
    if (res.status === 401 && attempt < 2) {
      await res.body?.cancel();
      const given = await askForKey();
      if (given === null) return answer<T>(await fetch(`api/${path}`, { method, headers, body: payload }));
      sessionStorage.setItem(KEY_STORAGE, given);
      continue;
    }
    return answer<T>(res);
  }
}

function askForKey(): Promise<string | null> {
  const dialog = document.getElementById('api-key-dialog') as HTMLDialogElement;
  const input = document.getElementById('api-key-input') as HTMLInputElement;
  input.value = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' && input.value ? input.value : null), { once: true });
    dialog.showModal();
    input.focus();
  });
}

// The shapes the dashboard reads (see /docs for every field's unit).
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface Run {
  id: number;
  name: string;
  kind: 'continuous' | 'batch' | 'trace';
  status: string;
  seed: number;
  tasksProcessed: number;
  tasksTotal: number | null;
  progress: number | null;
  createdAt: string;
  error?: string;
  summary?: unknown[];
}
export interface Status {
  runId: number | null;
  isRunning: boolean;
  isPaused: boolean;
  tasksProcessed: number;
  tickMs: number;
  stalled: string | null;
}
export interface LeaderboardEntry {
  scheduler: string;
  tasks: number;
  meanCompletionTime: number;
  meanExecTime: number;
  meanWaitTime: number;
  totalEnergy: number;
  totalCost: number;
  wins: number;
  losses: number;
  meanRegret: number;
  [extra: string]: unknown;
}
export interface Leaderboard {
  runId: number;
  items: LeaderboardEntry[];
}
export interface MetricWindow {
  schedulerName: string;
  windowStart: number;
  windowEnd: number;
  avgTime: number;
  totalTasks: number;
}
export interface ModelVersion {
  version: number;
  trainedAtTask: number;
  samples: number;
  r2: number | null;
  mae: number | null;
}
export interface ModelAnswer {
  runId: number;
  current: ModelVersion | null;
  history: ModelVersion[];
}
export interface Result {
  taskId: number;
  schedulerName: string;
  gpuFraction: number;
  cpuFraction: number;
  gpuId: number | null;
  execTime: number;
  waitTime: number;
  completionTime: number;
  startTime: number;
  finishTime: number;
}
export interface TaskRow {
  taskId: number;
  size: number;
  computeIntensity: number;
  dependencies: number[];
}

/** Every page of a list (up to `max` items). */
export async function all<T>(path: string, query: Record<string, string | number | undefined>, max = 5000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<Page<T>>(path, { ...query, limit: 1000, cursor });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < max);
  return out;
}
