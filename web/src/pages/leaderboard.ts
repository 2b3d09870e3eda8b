import { get, type Leaderboard, type LeaderboardEntry } from '../api.js';
import { fmt, h, section, statusLine } from '../dom.js';
import { strategyColour } from '../palette.js';
import { runPicker } from '../runs-select.js';

interface Column {
  key: string;
  label: string;
  unit: string;
  digits: number;
}

// Units with every column; the scheduling metrics of later versions show when the answer carries them.
const COLUMNS: Column[] = [
  { key: 'scheduler', label: 'Strategy', unit: '', digits: 0 },
  { key: 'tasks', label: 'Tasks', unit: 'count', digits: 0 },
  { key: 'meanCompletionTime', label: 'Mean completion', unit: 's', digits: 3 },
  { key: 'p95CompletionTime', label: 'p95 completion', unit: 's', digits: 3 },
  { key: 'p99CompletionTime', label: 'p99 completion', unit: 's', digits: 3 },
  { key: 'meanExecTime', label: 'Mean exec', unit: 's', digits: 3 },
  { key: 'meanWaitTime', label: 'Mean wait', unit: 's', digits: 3 },
  { key: 'totalEnergy', label: 'Energy', unit: 'J', digits: 0 },
  { key: 'totalCost', label: 'Cost', unit: '$', digits: 4 },
  { key: 'wins', label: 'Wins', unit: 'tasks', digits: 0 },
  { key: 'losses', label: 'Losses', unit: 'tasks', digits: 0 },
  { key: 'meanRegret', label: 'Mean regret', unit: 's', digits: 4 },
  { key: 'makespan', label: 'Makespan', unit: 's', digits: 1 },
  { key: 'throughput', label: 'Throughput', unit: 'tasks/s', digits: 3 },
  { key: 'utilisation', label: 'Mean utilisation', unit: '%', digits: 1 },
];

/** An entry's scheduling metrics (src/metrics/dto/leaderboard.response.ts), null on runs stored before them. */
interface Scheduling {
  makespan: number;
  throughput: number;
  utilisation: { mean: number };
}
const SCHEDULING: Record<string, (s: Scheduling) => number> = {
  makespan: (s) => s.makespan,
  throughput: (s) => s.throughput,
  utilisation: (s) => s.utilisation.mean * 100,
};

function valueOf(e: LeaderboardEntry, key: string): number | string | null {
  const scheduling = e.scheduling as Scheduling | null | undefined;
  if (key in SCHEDULING) return scheduling ? SCHEDULING[key](scheduling) : null;
  const v = e[key];
  return typeof v === 'number' || typeof v === 'string' ? v : null;
}

export async function leaderboardPage(view: HTMLElement, params: URLSearchParams): Promise<() => void> {
  const runId = params.get('run') ? Number(params.get('run')) : undefined;
  const status = statusLine();
  const picker = await runPicker('Run', runId);
  const holder = h('div', { class: 'table-wrap' });
  view.replaceChildren(h('h1', {}, 'Leaderboard'), section('Which run', picker.el, status), section('Strategies, best mean completion first', holder));
  picker.input.addEventListener('change', () => (location.hash = picker.input.value ? `#/leaderboard?run=${picker.input.value}` : '#/leaderboard'));

  let sortKey = 'meanCompletionTime';
  let ascending = true;
  let items: LeaderboardEntry[] = [];

  function render(): void {
    const shown = COLUMNS.filter((c) => c.key === 'scheduler' || items.some((e) => valueOf(e, c.key) !== null));
    const sorted = [...items].sort((a, b) => {
      const x = valueOf(a, sortKey);
      const y = valueOf(b, sortKey);
      const d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return ascending ? d : -d;
    });
    const head = shown.map((c) => {
      const active = c.key === sortKey;
      const button = h('button', { type: 'button', class: 'sort', 'data-sort': c.key }, c.label, c.unit ? h('span', { class: 'unit' }, ` (${c.unit})`) : null);
      button.addEventListener('click', () => {
        ascending = sortKey === c.key ? !ascending : true;
        sortKey = c.key;
        render();
        // The table is drawn anew: keep the keyboard where it was.
        holder.querySelector<HTMLButtonElement>(`button[data-sort="${c.key}"]`)?.focus();
      });
      return h('th', { scope: 'col', 'aria-sort': active ? (ascending ? 'ascending' : 'descending') : 'none' }, button);
    });
    const table = h(
      'table',
      { id: 'leaderboard' },
      h('caption', {}, 'Click a column heading to sort by it.'),
      h('thead', {}, h('tr', {}, ...head)),
      h(
        'tbody',
        {},
        ...sorted.map((e) =>
          h(
            'tr',
            { 'data-strategy': e.scheduler },
            ...shown.map((c) =>
              c.key === 'scheduler'
                ? h('th', { scope: 'row' }, h('span', { class: 'swatch', 'data-colour': strategyColour(e.scheduler) }), e.scheduler)
                : h('td', { class: 'num', 'data-key': c.key }, fmt(valueOf(e, c.key) as number | null, c.digits)),
            ),
          ),
        ),
      ),
    );
    for (const swatch of table.querySelectorAll<HTMLElement>('.swatch')) swatch.style.backgroundColor = swatch.dataset.colour ?? '';
    holder.replaceChildren(table);
  }

  try {
    const board = await get<Leaderboard>('metrics/leaderboard', { runId });
    items = board.items;
    status.textContent = `Run ${board.runId}: ${items.length} strategies.`;
    render();
  } catch (e) {
    status.textContent = `No leaderboard: ${(e as Error).message}`;
  }
  return () => undefined;
}
