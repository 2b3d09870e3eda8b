import { all, get, type MetricWindow, type ModelAnswer, type Result, type Run, type TaskRow } from '../api.js';
import { lineChart, strategySeries } from '../chart.js';
import { field, fmt, h, numberInput, section, select, statusLine, svg } from '../dom.js';
import { STRATEGIES, strategyColour } from '../palette.js';

export const GANTT_MAX_TASKS = 200;

export async function runDetailPage(view: HTMLElement, runId: number): Promise<() => void> {
  const run = await get<Run>(`simulation/runs/${runId}`);
  const windowsChartHolder = h('div', {});
  const regretHolder = h('div', {});
  const learning = lineChart('Learning curve: R² and MAE per model version', 'model version', 'R² (1 is perfect)', [
    { label: 'R²', colour: '#0072B2', points: true },
    { label: 'MAE (f)', colour: '#D55E00', points: true, dash: [4, 4], scale: 'y2' },
  ], { y2Label: 'MAE (fraction)' });
  const chartStatus = statusLine();

  // The Gantt's controls.
  const strategyInput = select('strategy', STRATEGIES.map((s) => ({ value: s, label: s })), 'hybrid_ml');
  const fromInput = numberInput('from', 0, { min: 0, step: 1, required: true });
  const countInput = numberInput('count', 20, { min: 1, max: GANTT_MAX_TASKS, step: 1, required: true });
  const ganttStatus = statusLine();
  const gantt = h('div', { id: 'gantt', class: 'gantt' });
  const ganttForm = h(
    'form',
    { id: 'gantt-form', class: 'grid-form' },
    field('Strategy', strategyInput),
    field('First task', fromInput),
    field(`Tasks (at most ${GANTT_MAX_TASKS})`, countInput),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Show schedule')),
  );

  view.replaceChildren(
    h('h1', {}, `Run #${run.id} ${run.name}`),
    h('p', {}, `${run.kind}, ${run.status}, seed ${run.seed}, ${fmt(run.tasksProcessed, 0)}${run.tasksTotal === null ? '' : ` of ${fmt(run.tasksTotal, 0)}`} tasks. `, h('a', { href: `#/leaderboard?run=${run.id}` }, 'Leaderboard')),
    section('Windows', chartStatus, windowsChartHolder),
    section('Regret over time', regretHolder),
    section('Learning curve', learning.el),
    section('Schedule (Gantt)', ganttForm, ganttStatus, gantt),
  );

  const charts: { destroy(): void }[] = [learning];
  try {
    const windows = await all<MetricWindow>('metrics/windows', { runId }, 20_000);
    const names = STRATEGIES.filter((s) => windows.some((w) => w.schedulerName === s));
    const ends = [...new Set(windows.map((w) => w.windowEnd))].sort((a, b) => a - b);
    const at = new Map(windows.map((w) => [`${w.schedulerName}:${w.windowEnd}`, w.avgTime]));
    const ys = names.map((n) => ends.map((e) => at.get(`${n}:${e}`) ?? null));
    const windowsChart = lineChart('Mean completion time per window', 'task (window end)', 'mean completion (s)', strategySeries(names));
    windowsChart.set(ends, ys);
    windowsChartHolder.replaceChildren(windowsChart.el);
    charts.push(windowsChart);
    const oracle = names.indexOf('oracle');
    const others = names.filter((n) => n !== 'oracle');
    const regret = lineChart("Regret per window: mean completion − the oracle's (s)", 'task (window end)', 'regret (s)', strategySeries(others));
    regret.set(ends, oracle < 0 ? others.map(() => ends.map(() => null)) : others.map((n) => ys[names.indexOf(n)].map((v, i) => (v === null || ys[oracle][i] === null ? null : v - (ys[oracle][i] as number)))));
    regretHolder.replaceChildren(oracle < 0 ? h('p', {}, 'Not available: this run has no oracle.') : regret.el);
    charts.push(regret);
    chartStatus.textContent = `${ends.length} windows.`;
  } catch (e) {
    chartStatus.textContent = `Windows unavailable: ${(e as Error).message}`;
  }
  try {
    const model = await get<ModelAnswer>('training/model', { runId });
    const history = [...model.history].sort((a, b) => a.version - b.version);
    learning.set(history.map((v) => v.version), [history.map((v) => v.r2), history.map((v) => v.mae)]);
  } catch {
    learning.set([], [[], []]);
  }

  async function showGantt(): Promise<void> {
    const from = Number(fromInput.value);
    const count = Math.min(GANTT_MAX_TASKS, Math.max(1, Number(countInput.value)));
    const to = from + count - 1;
    const strategy = strategyInput.value;
    ganttStatus.textContent = 'Loading…';
    try {
      const [results, tasks] = await Promise.all([
        get<{ items: Result[] }>('results', { runId, scheduler: strategy, taskFrom: from, taskTo: to, limit: count }),
        get<{ items: TaskRow[] }>('tasks', { runId, taskFrom: from, taskTo: to, limit: count }),
      ]);
      gantt.replaceChildren(drawGantt(results.items, tasks.items, strategy));
      ganttStatus.textContent = `${results.items.length} tasks of ${strategy}, tasks ${from}–${to}. Hover or focus a task to see its dependencies.`;
    } catch (e) {
      ganttStatus.textContent = `Schedule unavailable: ${(e as Error).message}`;
    }
  }
  ganttForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void showGantt();
  });
  void showGantt();
  return () => charts.forEach((c) => c.destroy());
}

const LANE_H = 28;
const LABEL_W = 56;
const WIDTH = 900;

/**
 * One lane per device (the CPU, then each GPU a task used), each task a group of bars: its CPU part on
 * the CPU lane and its GPU part on its GPU's lane, spanning its stored start and finish (the results
 * keep the task's start and finish, not each part's). The group carries both in data attributes.
 */
function drawGantt(results: Result[], tasks: TaskRow[], strategy: string): SVGElement | HTMLElement {
  if (results.length === 0) return h('p', {}, 'No results in this range.');
  const deps = new Map(tasks.map((t) => [t.taskId, t.dependencies]));
  const gpus = [...new Set(results.filter((r) => r.gpuId !== null && r.gpuFraction > 0).map((r) => r.gpuId as number))].sort((a, b) => a - b);
  const lanes = ['CPU', ...gpus.map((g) => `GPU ${g}`)];
  const t0 = Math.min(...results.map((r) => r.startTime));
  const t1 = Math.max(...results.map((r) => r.finishTime));
  const span = t1 - t0 || 1;
  const x = (t: number) => LABEL_W + ((t - t0) / span) * (WIDTH - LABEL_W - 8);
  const height = lanes.length * LANE_H + 24;
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, role: 'group', 'aria-label': `Schedule of ${strategy}: ${results.length} tasks on ${lanes.length} devices`, class: 'gantt-svg' });
  lanes.forEach((lane, i) => {
    root.append(svg('text', { x: 4, y: i * LANE_H + 18, class: 'lane-label' }, lane));
    root.append(svg('line', { x1: LABEL_W, x2: WIDTH, y1: (i + 1) * LANE_H, y2: (i + 1) * LANE_H, class: 'lane-line' }));
  });
  root.append(svg('text', { x: LABEL_W, y: height - 6, class: 'axis' }, `${fmt(t0, 2)} s`), svg('text', { x: WIDTH - 80, y: height - 6, class: 'axis' }, `${fmt(t1, 2)} s`));
  const colour = strategyColour(strategy);
  const groups = new Map<number, SVGElement>();
  for (const r of results) {
    const d = deps.get(r.taskId) ?? [];
    const title = `Task ${r.taskId}: ${fmt(r.startTime, 3)}–${fmt(r.finishTime, 3)} s, CPU ${fmt(r.cpuFraction * 100, 0)} %, GPU ${fmt(r.gpuFraction * 100, 0)} %${r.gpuId === null ? '' : ` on GPU ${r.gpuId}`}; depends on ${d.length ? d.join(', ') : 'nothing'}`;
    const g = svg('g', {
      class: 'task',
      tabindex: 0,
      role: 'img',
      'aria-label': title,
      'data-task': r.taskId,
      'data-start': r.startTime,
      'data-finish': r.finishTime,
      'data-deps': d.join(' '),
    }, svg('title', {}, title));
    const w = Math.max(1.5, x(r.finishTime) - x(r.startTime));
    if (r.cpuFraction > 0) g.append(svg('rect', { x: x(r.startTime), y: 4, width: w, height: LANE_H - 8, class: 'part cpu', fill: colour, 'data-part': 'cpu' }));
    if (r.gpuFraction > 0 && r.gpuId !== null) {
      g.append(svg('rect', { x: x(r.startTime), y: (gpus.indexOf(r.gpuId) + 1) * LANE_H + 4, width: w, height: LANE_H - 8, class: 'part gpu', fill: colour, 'data-part': 'gpu' }));
    }
    groups.set(r.taskId, g);
    root.append(g);
  }
  // Dependencies on hover or focus: the task's prerequisites light up.
  const mark = (g: SVGElement, on: boolean) => {
    g.classList.toggle('active', on);
    for (const dep of (g.dataset.deps ?? '').split(' ').filter(Boolean)) groups.get(Number(dep))?.classList.toggle('dependency', on);
  };
  for (const g of groups.values()) {
    for (const [type, on] of [['mouseenter', true], ['mouseleave', false], ['focus', true], ['blur', false]] as const) g.addEventListener(type, () => mark(g, on));
  }
  const legend = h('p', { class: 'legend' }, 'Dark bars: the CPU part (CPU lane); light bars: the GPU part (its GPU lane). Outlined: the hovered or focused task; dashed: its dependencies.');
  return h('div', {}, h('div', { class: 'gantt-scroll' }, root), legend);
}
