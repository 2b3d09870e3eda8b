import { get, send } from '../api.js';
import { barChart } from '../bar-chart.js';
import { field, fmt, h, numberInput, section, select, statusLine } from '../dom.js';
import { strategyColour } from '../palette.js';

// The shapes of GET /api/experiments[/:id] (src/experiments/experiments.service.ts).
interface Interval {
  n: number;
  mean: number;
  sd: number | null;
  halfWidth: number | null;
  low: number | null;
  high: number | null;
}
interface Progress {
  runs: number;
  queued: number;
  running: number;
  completed: number;
  failed: number;
  tasksProcessed: number;
}
interface Experiment {
  id: number;
  name: string;
  createdAt: string;
  status: 'running' | 'completed' | 'failed';
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  seeds: number[];
  progress: Progress;
}
interface Difference extends Interval {
  strategy: string;
  metric: string;
  seeds: number[];
  significant: boolean;
  relativeMean: number | null;
}
interface Cell {
  cell: number;
  settings: Record<string, unknown>;
  strategies: { strategy: string; seeds: number; metrics: Record<string, Interval> }[];
  best: string | null;
  differences: Difference[];
}
interface ExperimentDetail extends Experiment {
  cells: Cell[];
  untrained: { cell: number; strategy: string; runs: number }[];
}

const METRICS: { key: string; label: string; unit: string; digits: number }[] = [
  { key: 'meanCompletionTime', label: 'Mean completion', unit: 's', digits: 3 },
  { key: 'p95CompletionTime', label: 'p95 completion', unit: 's', digits: 3 },
  { key: 'meanExecTime', label: 'Mean exec', unit: 's', digits: 3 },
  { key: 'makespan', label: 'Makespan', unit: 's', digits: 1 },
  { key: 'utilisation', label: 'Mean utilisation', unit: 'fraction 0–1', digits: 3 },
  { key: 'totalEnergy', label: 'Energy', unit: 'J', digits: 0 },
  { key: 'totalCost', label: 'Cost', unit: '$', digits: 4 },
];

// Settings the start form may vary (a subset of src/experiments/experiment-grid.ts GRID_SETTINGS), with units.
const GRID_CHOICES = [
  { value: '', label: 'None (one cell)' },
  { value: 'arrivalRate', label: 'Arrival rate (tasks/s)' },
  { value: 'gpus', label: 'GPUs (count)' },
  { value: 'tasks', label: 'Tasks (count)' },
  { value: 'retrainInterval', label: 'Retrain interval (tasks)' },
  { value: 'windowSize', label: 'Window size (tasks)' },
];

const runsDone = (p: Progress) => p.completed + p.failed;
const cellName = (c: Cell) => {
  const parts = Object.entries(c.settings).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return `Cell ${c.cell + 1}${parts.length ? `: ${parts.join(', ')}` : ' (the base settings)'}`;
};

/** #/experiments[?id=N&metric=M]: the experiments with their progress; one's bars with 95% CIs and paired differences. */
export async function experimentsPage(view: HTMLElement, params: URLSearchParams): Promise<() => void> {
  const chosen = params.get('id') ? Number(params.get('id')) : null;
  const metric = METRICS.find((m) => m.key === params.get('metric')) ?? METRICS[0];
  const listStatus = statusLine();
  const list = h('div', { class: 'table-wrap', id: 'experiments-list' });
  const detailStatus = statusLine();
  const detail = h('div', { id: 'experiment-detail' });
  let destroyers: (() => void)[] = [];
  let shownKey = '';

  const metricInput = select(
    'metric',
    METRICS.map((m) => ({ value: m.key, label: `${m.label} (${m.unit})` })),
    metric.key,
  );
  metricInput.addEventListener('change', () => (location.hash = `#/experiments?id=${chosen}&metric=${metricInput.value}`));

  async function refresh(): Promise<boolean> {
    let running = false;
    try {
      const { items } = await get<{ items: Experiment[] }>('experiments', { limit: 100 });
      listStatus.textContent = items.length ? `${items.length} experiment${items.length === 1 ? '' : 's'}, newest first.` : 'No experiment yet: start one below.';
      list.replaceChildren(listTable(items, chosen));
      running = items.some((e) => e.status === 'running');
    } catch (err) {
      listStatus.textContent = `Experiments unavailable: ${(err as Error).message}`;
    }
    if (chosen === null) return running;
    try {
      const x = await get<ExperimentDetail>(`experiments/${chosen}`);
      const key = JSON.stringify([x.status, x.progress.completed, x.progress.failed]);
      if (key !== shownKey) {
        shownKey = key;
        for (const d of destroyers) d();
        destroyers = [];
        detail.replaceChildren(...renderDetail(x, metric, destroyers));
        detail.dataset.status = x.status;
      }
      detailStatus.textContent = `Experiment ${x.id} "${x.name}": ${x.status}, ${runsDone(x.progress)} of ${x.progress.runs} runs done (${x.progress.failed} failed), ${x.seeds.length} seeds per cell.`;
    } catch (err) {
      detailStatus.textContent = `Experiment ${chosen} unavailable: ${(err as Error).message}`;
    }
    return running;
  }

  view.replaceChildren(
    ...[
      h('h1', {}, 'Experiments'),
      section('Every experiment', listStatus, list),
      chosen === null ? null : section(`Experiment ${chosen}`, h('div', { class: 'row' }, field('Metric of the bars', metricInput)), detailStatus, detail),
      section('Start an experiment', ...startForm()),
    ].filter((el): el is HTMLElement => el !== null),
  );
  await refresh();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async () => {
    const running = await refresh();
    if (!stopped && running) timer = setTimeout(() => void poll(), 3000);
  };
  timer = setTimeout(() => void poll(), 3000);
  return () => {
    stopped = true;
    clearTimeout(timer);
    for (const d of destroyers) d();
  };
}

function listTable(items: Experiment[], chosen: number | null): HTMLTableElement {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...['Experiment', 'Status', 'Progress', 'Cells × seeds', 'Tasks done', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...items.map((x) => {
        const p = x.progress;
        const pct = p.runs ? Math.round((100 * runsDone(p)) / p.runs) : 0;
        const cells = p.runs && x.seeds.length ? Math.round(p.runs / x.seeds.length) : 0;
        return h(
          'tr',
          { 'data-experiment': x.id, class: x.id === chosen ? 'recommended' : null },
          h('th', { scope: 'row' }, h('a', { href: `#/experiments?id=${x.id}`, 'aria-current': x.id === chosen ? 'true' : null }, `#${x.id} ${x.name}`)),
          h('td', {}, x.status),
          h('td', {}, h('progress', { max: 100, value: pct, 'aria-label': `Experiment ${x.id} progress` }), ` ${runsDone(p)} / ${p.runs} runs`),
          h('td', { class: 'num' }, `${cells} × ${x.seeds.length}`),
          h('td', { class: 'num' }, fmt(p.tasksProcessed, 0)),
          h('td', {}, new Date(x.createdAt).toLocaleString()),
        );
      }),
    ),
  );
}

function renderDetail(x: ExperimentDetail, metric: (typeof METRICS)[number], destroyers: (() => void)[]): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (x.untrained.length) {
    out.push(h('p', { class: 'notes' }, `Learners that never trained in some runs (their figures are their fallback's there): ${x.untrained.map((u) => `${u.strategy} in cell ${u.cell + 1} (${u.runs} runs)`).join('; ')}.`));
  }
  for (const c of x.cells) {
    const id = `cell-${c.cell}`;
    const bars = c.strategies.filter((s) => s.metrics[metric.key]).map((s) => ({ label: s.strategy, ...s.metrics[metric.key] }));
    const heading = h('h3', { id: `${id}-title` }, cellName(c));
    if (!bars.length) {
      out.push(h('article', { class: 'cell', 'data-cell': c.cell, 'aria-labelledby': `${id}-title` }, heading, h('p', {}, 'No completed run in this cell yet.')));
      continue;
    }
    const chart = barChart(`${metric.label} (${metric.unit}), mean over seeds with 95% CI`, `${metric.label} (${metric.unit})`, bars, { id: `${id}-chart` });
    destroyers.push(chart.destroy);
    out.push(
      h(
        'article',
        { class: 'cell', 'data-cell': c.cell, 'aria-labelledby': `${id}-title` },
        heading,
        h('p', {}, c.best ? `Best by mean completion time: ` : 'No best strategy yet.', c.best ? h('strong', {}, c.best) : null),
        chart.el,
        barsTable(c, metric),
        differencesTable(c),
      ),
    );
  }
  return out;
}

const swatch = (strategy: string) => {
  const el = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  el.style.backgroundColor = strategyColour(strategy);
  return el;
};
const num = (v: number | null) => (v === null ? '' : String(v));

/** The bars' values as a table: each strategy's mean and 95% CI (the exact API values in data attributes). */
function barsTable(c: Cell, metric: (typeof METRICS)[number]): HTMLElement {
  const u = ` (${metric.unit})`;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'bars', 'data-metric': metric.key },
      h('caption', {}, `${metric.label} per strategy: mean over seeds and its 95% confidence interval (Student t)`),
      h('thead', {}, h('tr', {}, ...['Strategy', `Mean${u}`, `95% CI low${u}`, `95% CI high${u}`, 'Seeds'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...c.strategies
          .filter((s) => s.metrics[metric.key])
          .map((s) => {
            const m = s.metrics[metric.key];
            return h(
              'tr',
              { 'data-strategy': s.strategy, 'data-mean': m.mean, 'data-low': num(m.low), 'data-high': num(m.high) },
              h('th', { scope: 'row' }, swatch(s.strategy), s.strategy),
              h('td', { class: 'num' }, fmt(m.mean, metric.digits)),
              h('td', { class: 'num' }, fmt(m.low, metric.digits)),
              h('td', { class: 'num' }, fmt(m.high, metric.digits)),
              h('td', { class: 'num' }, m.n),
            );
          }),
      ),
    ),
  );
}

/** Every other strategy minus the best, seed by seed, on mean completion time. */
function differencesTable(c: Cell): HTMLElement {
  if (!c.best) return h('p', {}, 'No paired differences yet.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'differences' },
      h('caption', {}, `Paired difference in mean completion time to the best (${c.best}), other − best over the same seeds`),
      h('thead', {}, h('tr', {}, ...['Strategy', 'Difference (s)', '95% CI (s)', 'Relative (%)', 'Significant (5%)', 'Seeds'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...c.differences.map((d) =>
          h(
            'tr',
            { 'data-strategy': d.strategy, 'data-mean': d.mean, 'data-low': num(d.low), 'data-high': num(d.high), 'data-significant': String(d.significant) },
            h('th', { scope: 'row' }, swatch(d.strategy), d.strategy),
            h('td', { class: 'num' }, fmt(d.mean, 3)),
            h('td', { class: 'num' }, d.low === null ? '–' : `${fmt(d.low, 3)} to ${fmt(d.high, 3)}`),
            h('td', { class: 'num' }, fmt(d.relativeMean, 1)),
            h('td', {}, d.significant ? 'yes' : 'no'),
            h('td', { class: 'num' }, d.seeds.length),
          ),
        ),
      ),
    ),
  );
}

function startForm(): HTMLElement[] {
  const status = statusLine();
  const form = h(
    'form',
    { id: 'experiment-form', class: 'grid-form' },
    field('Name', h('input', { name: 'name', type: 'text', value: 'dashboard experiment', maxlength: 200 })),
    field('Tasks per run (count)', numberInput('tasks', 1000, { min: 1, step: 1, required: true })),
    field('GPUs (count)', numberInput('gpus', 4, { min: 1, max: 64, step: 1 })),
    field('Seeds per cell (count)', numberInput('repetitions', 3, { min: 1, max: 100, step: 1, required: true }), 'Seeds 1 … n'),
    field('Grid setting', select('gridSetting', GRID_CHOICES, '')),
    field('Its values', h('input', { name: 'gridValues', type: 'text', placeholder: 'e.g. 1, 2, 4', inputmode: 'decimal' }), 'Comma-separated numbers'),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Start experiment')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const base: Record<string, unknown> = { tasks: Number(data.get('tasks')) };
    if (data.get('gpus') !== '') base.gpus = Number(data.get('gpus'));
    const body: Record<string, unknown> = { name: String(data.get('name') ?? '') || undefined, base, repetitions: Number(data.get('repetitions')) };
    const setting = String(data.get('gridSetting') ?? '');
    const values = String(data.get('gridValues') ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)
      .map(Number);
    if (setting) {
      if (!values.length || values.some((v) => !Number.isFinite(v))) {
        status.textContent = 'Give the grid setting one or more numbers, separated by commas.';
        return;
      }
      body.grid = { [setting]: values };
    }
    try {
      const created = await send<{ id: number }>('POST', 'experiments', body);
      status.textContent = `Experiment ${created.id} started.`;
      location.hash = `#/experiments?id=${created.id}`;
    } catch (err) {
      status.textContent = `Not started: ${(err as Error).message}`;
    }
  });
  return [form, status];
}
