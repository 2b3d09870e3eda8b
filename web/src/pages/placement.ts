import { send } from '../api.js';
import { field, fmt, h, numberInput, section, select, statusLine } from '../dom.js';

interface Option {
  strategy: string;
  gpuFraction: number;
  gpuId: number | null;
  startTime: number;
  finishTime: number;
  completionTime: number;
  energy: number;
  cost: number;
  score: number;
}
type Reason =
  | { kind: 'eft'; alternatives: { f: number; gpu: number; finish: number; energy: number }[] }
  | { kind: 'hybrid_ml'; modelVersion: number | null; predictedF: number | null; f: number; oracleF: number }
  | { kind: 'rl_agent'; epsilon: number; actionValues: { f: number; q: number }[] };
interface Advice {
  runId: number | null;
  source: string;
  durationEstimate: number;
  oracle: { gpuFraction: number; optimalTime: number };
  placements: Option[];
  recommendation: Option;
  reasons: Record<string, Reason>;
}

export function placementPage(view: HTMLElement): () => void {
  const status = statusLine();
  const out = h('div', { id: 'placement-result' });
  const machine = select('machine', [
    { value: 'continuous', label: "The continuous run's machines" },
    { value: 'empty', label: 'Idle machines' },
    { value: 'run', label: "A run's machines (run id below)" },
  ]);
  const form = h(
    'form',
    { id: 'placement-form', class: 'grid-form' },
    h('fieldset', {}, h('legend', {}, 'Task'),
      field('Size (work units)', numberInput('size', 2500, { min: 1, max: 1e9, required: true })),
      field('Compute intensity (0–1)', numberInput('computeIntensity', 0.7, { min: 0, max: 1, required: true })),
      field('Memory (MB)', numberInput('memoryRequired', 1200, { min: 0, max: 1e9, required: true })),
      field('CPU duration (s, optional)', numberInput('durationEstimate', '', { min: 0 })),
    ),
    h('fieldset', {}, h('legend', {}, 'Weights of the recommendation'),
      field('Completion time', numberInput('time', 1, { min: 0, max: 1000 })),
      field('Energy', numberInput('energy', 0, { min: 0, max: 1000 })),
      field('Cost', numberInput('cost', 0, { min: 0, max: 1000 })),
    ),
    h('fieldset', {}, h('legend', {}, 'Machines'), field('Place on', machine), field('Run id', numberInput('runId', '', { min: 1, step: 1 }))),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Place')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const num = (k: string) => (data.get(k) === '' || data.get(k) === null ? undefined : Number(data.get(k)));
    const body: Record<string, unknown> = {
      size: num('size'),
      computeIntensity: num('computeIntensity'),
      memoryRequired: num('memoryRequired'),
      durationEstimate: num('durationEstimate'),
      weights: { time: num('time') ?? 0, energy: num('energy') ?? 0, cost: num('cost') ?? 0 },
    };
    if (machine.value === 'empty') body.machine = 'empty';
    if (machine.value === 'run') body.runId = num('runId');
    status.textContent = 'Placing…';
    try {
      const advice = await send<Advice>('POST', 'tasks/placement', body);
      out.replaceChildren(...render(advice));
      status.textContent = `Recommended: ${advice.recommendation.strategy}.`;
    } catch (err) {
      status.textContent = `No placement: ${(err as Error).message}`;
    }
  });
  view.replaceChildren(h('h1', {}, 'Placement: where should this task run?'), section('Task and weights', form, status), out);
  return () => undefined;
}

function render(a: Advice): HTMLElement[] {
  const where = a.source === 'empty' ? 'idle machines' : `run ${a.runId} (${a.source})`;
  const options = h(
    'table',
    { id: 'placements' },
    h('caption', {}, `On ${where}; CPU duration ${fmt(a.durationEstimate, 3)} s. Lower score is better.`),
    h('thead', {}, h('tr', {}, ...['Strategy', 'GPU share (%)', 'GPU', 'Start (s)', 'Finish (s)', 'Completion (s)', 'Energy (J)', 'Cost ($)', 'Score'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...a.placements.map((o) =>
        h(
          'tr',
          { 'data-strategy': o.strategy, class: o.strategy === a.recommendation.strategy ? 'recommended' : null },
          h('th', { scope: 'row' }, o.strategy, o.strategy === a.recommendation.strategy ? h('strong', {}, ' ★ recommended') : null),
          h('td', { class: 'num' }, fmt(o.gpuFraction * 100, 1)),
          h('td', { class: 'num' }, o.gpuId === null || o.gpuFraction === 0 ? '–' : String(o.gpuId)),
          h('td', { class: 'num' }, fmt(o.startTime, 3)),
          h('td', { class: 'num' }, fmt(o.finishTime, 3)),
          h('td', { class: 'num' }, fmt(o.completionTime, 3)),
          h('td', { class: 'num' }, fmt(o.energy, 1)),
          h('td', { class: 'num' }, fmt(o.cost, 5)),
          h('td', { class: 'num' }, fmt(o.score, 3)),
        ),
      ),
    ),
  );
  const why: HTMLElement[] = [];
  const eft = a.reasons.eft;
  if (eft?.kind === 'eft') {
    why.push(h('h3', {}, 'EFT: its best alternatives (earliest finish first)'), simpleTable('eft-reasons', ['GPU share (%)', 'GPU', 'Finish (s)', 'Energy (J)'], eft.alternatives.map((x) => [fmt(x.f * 100, 1), x.f === 0 ? '–' : String(x.gpu), fmt(x.finish, 3), fmt(x.energy, 1)])));
  }
  const ml = a.reasons.hybrid_ml;
  if (ml?.kind === 'hybrid_ml') {
    why.push(
      h('h3', {}, "hybrid_ml: its model's f against the oracle's"),
      h('p', { id: 'ml-reason' }, ml.predictedF === null ? `No model yet: it uses f = compute intensity = ${fmt(ml.f, 3)}. ` : `Model v${ml.modelVersion} predicts f = ${fmt(ml.predictedF, 3)} (used: ${fmt(ml.f, 3)}). `, `The oracle's f: ${fmt(a.oracle.gpuFraction, 3)} (exec ${fmt(a.oracle.optimalTime, 3)} s on an idle machine).`),
    );
  }
  const rl = a.reasons.rl_agent;
  if (rl?.kind === 'rl_agent') {
    const best = Math.max(...rl.actionValues.map((v) => v.q));
    why.push(
      h('h3', {}, "rl_agent: its network's action values (higher is better)"),
      h('p', {}, `Exploration rate ε = ${fmt(rl.epsilon, 3)}.`),
      simpleTable('rl-reasons', ['GPU share (%)', 'Q value', 'Best'], rl.actionValues.map((v) => [fmt(v.f * 100, 1), fmt(v.q, 4), v.q === best ? '★' : ''])),
    );
  }
  return [section('Every strategy', h('div', { class: 'table-wrap' }, options)), section('Why', ...why)];
}

function simpleTable(id: string, head: string[], rows: string[][]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { id }, h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', { class: 'num' }, c)))))),
  );
}
