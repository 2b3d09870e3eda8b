import { get, send, type ModelAnswer, type Status } from '../api.js';
import { lineChart, strategySeries } from '../chart.js';
import { fmt, h, section, statusLine } from '../dom.js';

/** One value per device of a strategy's machine. */
interface PerDevice {
  cpu: number;
  gpus: number[];
}
/** The live feed's per-task message (src/live/live-messages.ts); a feed without scheduling metrics shows "not available". */
interface SimulationUpdate {
  type: 'simulation_update';
  task: { id: number };
  comparison: { name: string; avg_time: number; utilisation?: PerDevice; mean_backlog?: PerDevice }[];
  latest_results: Record<string, { time: number }>;
  utilization: { average_utilization: number } & Record<string, { utilization: number } | number>;
}
interface DeviceFields {
  /** Busy time / makespan, 0-1. */
  utilization?: number;
  /** Mean queued work seen by an arriving task, s. */
  backlog?: number;
}
// The strategy whose machine the device table shows (the feed's top-level utilisation is its machine's too).
const FEATURED = 'hybrid_ml';
type FeedMessage = SimulationUpdate | { type: 'notification'; message: string };

// Client-side windows of the feed: mean completion per strategy over WINDOW tasks, the last WINDOWS of them.
const WINDOW = 20;
const WINDOWS = 100;
const THROUGHPUT_SECONDS = 120;

export function livePage(view: HTMLElement): () => void {
  const state = statusLine();
  const statusText = h('p', { id: 'live-status', 'data-state': 'unknown' }, 'Loading the continuous run…');
  const buttons = {
    start: h('button', { type: 'button', 'data-action': 'start' }, 'Start'),
    pause: h('button', { type: 'button', 'data-action': 'pause' }, 'Pause'),
    resume: h('button', { type: 'button', 'data-action': 'resume' }, 'Resume'),
    stop: h('button', { type: 'button', 'data-action': 'stop' }, 'Stop'),
  };
  const lastTask = h('output', { id: 'live-last-task', 'data-task': '', 'aria-live': 'off' }, '–');
  const throughputNow = h('output', { id: 'live-throughput' }, '–');
  const devices = h('div', { id: 'live-devices', class: 'devices' }, h('p', {}, 'Waiting for the live feed…'));
  const notifications = h('ul', { id: 'live-notifications', class: 'notes', 'aria-live': 'polite' });

  let names: string[] = [];
  let windowsChart: ReturnType<typeof lineChart> | null = null;
  const windowsHolder = h('div', {});
  const throughputChart = lineChart('Throughput', 'wall-clock time (s)', 'tasks/s', [{ label: 'tasks/s', colour: '#0072B2' }], { id: 'live-throughput-chart' });
  const modelChart = lineChart("hybrid_ml's model: R² and MAE per version", 'trained at task', 'R² (1 is perfect)', [
    { label: 'R²', colour: '#0072B2', points: true },
    { label: 'MAE (f)', colour: '#D55E00', points: true, dash: [4, 4], scale: 'y2' },
  ], { y2Label: 'MAE (fraction)' });

  view.replaceChildren(
    h('h1', {}, 'Live: the continuous run'),
    section(
      'Control',
      statusText,
      h('div', { class: 'row', role: 'group', 'aria-label': 'Continuous run controls' }, buttons.start, buttons.pause, buttons.resume, buttons.stop),
      state,
      h('p', {}, 'Last task: ', lastTask, ' · throughput: ', throughputNow, ' tasks/s'),
    ),
    section(`Mean completion per strategy, windows of ${WINDOW} tasks (s)`, windowsHolder),
    section('Devices: utilisation and backlog (hybrid_ml\'s machine)', devices),
    section('Throughput', throughputChart.el),
    section('Model versions', modelChart.el, notifications),
  );

  // Status and controls.
  async function refreshStatus(): Promise<void> {
    try {
      const s = await get<Status>('simulation/status');
      // A paused run is not running (isRunning false, isPaused true).
      const label = s.isPaused ? 'paused' : s.isRunning ? 'running' : 'stopped';
      statusText.dataset.state = label;
      statusText.textContent = s.runId === null ? 'No continuous run.' : `Run ${s.runId}: ${label}, ${fmt(s.tasksProcessed, 0)} tasks${s.stalled ? ` (stalled: ${s.stalled})` : ''}`;
      buttons.start.disabled = label !== 'stopped';
      buttons.pause.disabled = label !== 'running';
      buttons.resume.disabled = label !== 'paused';
      buttons.stop.disabled = label === 'stopped';
    } catch (e) {
      statusText.textContent = `Status unavailable: ${(e as Error).message}`;
    }
  }
  for (const [action, button] of Object.entries(buttons)) {
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await send('POST', `simulation/${action}`);
        state.textContent = `${action}: done`;
      } catch (e) {
        state.textContent = `${action} failed: ${(e as Error).message}`;
      }
      await refreshStatus();
    });
  }

  // The model's timeline.
  async function refreshModel(): Promise<void> {
    try {
      const m = await get<ModelAnswer>('training/model');
      const history = [...m.history].sort((a, b) => a.trainedAtTask - b.trainedAtTask);
      modelChart.set(history.map((v) => v.trainedAtTask), [history.map((v) => v.r2), history.map((v) => v.mae)]);
    } catch {
      modelChart.set([], [[], []]);
    }
  }

  // The feed.
  const windows: number[] = [];
  const windowMeans: number[][] = [];
  let pending: Record<string, number> = {};
  let pendingCount = 0;
  const arrivals: number[] = [];
  const throughputX: number[] = [];
  const throughputY: number[] = [];
  const opened = performance.now();

  function onUpdate(m: SimulationUpdate): void {
    lastTask.textContent = String(m.task.id);
    lastTask.dataset.task = String(m.task.id);
    const now = performance.now();
    arrivals.push(now);
    while (arrivals.length && arrivals[0] < now - 5000) arrivals.shift();
    throughputNow.textContent = fmt(arrivals.length / 5, 1);
    if (names.length === 0) {
      names = Object.keys(m.latest_results);
      windowsChart = lineChart(`Mean completion time per window of ${WINDOW} tasks`, 'task', 'mean completion (s)', strategySeries(names), { id: 'live-windows' });
      windowsHolder.replaceChildren(windowsChart.el);
    }
    for (const n of names) pending[n] = (pending[n] ?? 0) + (m.latest_results[n]?.time ?? 0);
    pendingCount++;
    if (pendingCount === WINDOW) {
      windows.push(m.task.id);
      names.forEach((n, i) => (windowMeans[i] ??= []).push(pending[n] / WINDOW));
      if (windows.length > WINDOWS) {
        windows.shift();
        for (const w of windowMeans) w.shift();
      }
      pending = {};
      pendingCount = 0;
    }
    renderDevices(m);
  }

  function renderDevices(m: SimulationUpdate): void {
    const u = m.utilization;
    const featured = m.comparison.find((c) => c.name === FEATURED) ?? m.comparison[0];
    const rows: [string, DeviceFields][] = [['CPU', { utilization: featured?.utilisation?.cpu, backlog: featured?.mean_backlog?.cpu }]];
    for (const key of Object.keys(u)) {
      const g = /^gpu_(\d+)$/.exec(key);
      if (!g) continue;
      const i = Number(g[1]);
      rows.push([`GPU ${i}`, { utilization: featured?.utilisation?.gpus[i], backlog: featured?.mean_backlog?.gpus[i] }]);
    }
    const table = h(
      'table',
      { class: 'devices-table' },
      h('caption', {}, `Machine average utilisation ${fmt(u.average_utilization * 100, 1)} %`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Device'), h('th', { scope: 'col' }, 'Utilisation (%)'), h('th', { scope: 'col' }, 'Mean backlog (s)'))),
      h(
        'tbody',
        {},
        ...rows.map(([name, d]) =>
          h(
            'tr',
            { 'data-device': name },
            h('th', { scope: 'row' }, name),
            h('td', {}, d.utilization === undefined ? 'not available' : h('meter', { min: 0, max: 1, value: d.utilization, 'aria-label': `${name} utilisation` }), d.utilization === undefined ? null : ` ${fmt(d.utilization * 100, 1)}`),
            h('td', { 'data-backlog': d.backlog ?? '' }, d.backlog === undefined ? 'not available' : fmt(d.backlog, 2)),
          ),
        ),
      ),
    );
    devices.replaceChildren(table);
  }

  function onNotification(message: string): void {
    notifications.prepend(h('li', {}, message));
    while (notifications.children.length > 5) notifications.lastChild?.remove();
    void refreshModel();
  }

  // Charts redraw at most once a second, not per message.
  const redraw = setInterval(() => {
    const now = performance.now();
    throughputX.push(Math.round((now - opened) / 1000));
    throughputY.push(arrivals.filter((t) => t > now - 1000).length);
    if (throughputX.length > THROUGHPUT_SECONDS) {
      throughputX.shift();
      throughputY.shift();
    }
    throughputChart.set(throughputX, [throughputY]);
    if (windowsChart) windowsChart.set(windows, windowMeans);
  }, 1000);

  let socket: WebSocket | null = null;
  let closed = false;
  function connect(): void {
    const url = new URL('ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.hash = '';
    socket = new WebSocket(url);
    socket.addEventListener('message', (e) => {
      const m = JSON.parse(String(e.data)) as FeedMessage;
      if (m.type === 'simulation_update') onUpdate(m);
      else if (m.type === 'notification') onNotification(m.message);
    });
    socket.addEventListener('close', () => {
      if (!closed) setTimeout(connect, 2000);
    });
  }
  connect();
  void refreshStatus();
  void refreshModel();
  const poll = setInterval(() => void refreshStatus(), 5000);

  return () => {
    closed = true;
    socket?.close();
    clearInterval(redraw);
    clearInterval(poll);
    throughputChart.destroy();
    modelChart.destroy();
    windowsChart?.destroy();
  };
}
