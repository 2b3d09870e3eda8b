import { all, ApiError, send, type Run, type TraceRowError } from '../api.js';
import { field, fmt, h, numberInput, section, statusLine } from '../dom.js';

export function runsPage(view: HTMLElement): () => void {
  const listStatus = statusLine();
  const list = h('div', { class: 'table-wrap', id: 'runs-list' });

  // Start a batch.
  const batchStatus = statusLine();
  const batchForm = h(
    'form',
    { id: 'batch-form', class: 'grid-form' },
    field('Name', h('input', { name: 'name', type: 'text', value: 'dashboard batch', maxlength: 100 })),
    field('Tasks (count)', numberInput('tasks', 1000, { min: 1, step: 1, required: true })),
    field('Seed', numberInput('seed', 42, { min: 0, step: 1 })),
    field('GPUs (count)', numberInput('gpus', 4, { min: 1, max: 64, step: 1 })),
    field('Arrival rate (tasks/s)', numberInput('arrivalRate', '', { min: 0.001 })),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Start batch')),
  );
  batchForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(batchForm);
    const body: Record<string, unknown> = { kind: 'batch' };
    for (const [k, v] of data) if (v !== '') body[k] = k === 'name' ? v : Number(v);
    try {
      const created = await send<{ id: number }>('POST', 'simulation/runs', body);
      batchStatus.textContent = `Run ${created.id} started.`;
      void refresh();
    } catch (err) {
      batchStatus.textContent = `Not started: ${(err as Error).message}`;
    }
  });

  // Upload a CSV trace.
  const uploadStatus = statusLine();
  const rowErrors = h('div', { id: 'csv-errors', class: 'table-wrap' });
  const file = h('input', { type: 'file', name: 'trace', accept: '.csv,text/csv', required: true });
  const uploadForm = h(
    'form',
    { id: 'csv-form', class: 'grid-form' },
    field('Trace (CSV)', file, 'Header: task_id,size,compute_intensity,memory_required,arrival_time[,duration_estimate,dependencies]'),
    field('Name', h('input', { name: 'name', type: 'text', value: 'dashboard trace', maxlength: 100 })),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Upload and replay')),
  );
  uploadForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    const text = await chosen.text();
    const name = String(new FormData(uploadForm).get('name') ?? '');
    rowErrors.replaceChildren();
    try {
      const created = await send<{ id: number }>('POST', `simulation/runs${name ? `?name=${encodeURIComponent(name)}` : ''}`, text, 'text/csv');
      uploadStatus.textContent = `Trace replay ${created.id} started.`;
      void refresh();
    } catch (err) {
      uploadStatus.textContent = `Refused: ${(err as Error).message}`;
      if (err instanceof ApiError && Array.isArray(err.body.errors)) rowErrors.replaceChildren(errorTable(text, err.body.errors));
    }
  });

  async function refresh(): Promise<void> {
    try {
      const runs = (await all<Run>('simulation/runs', {}, 1000)).sort((a, b) => b.id - a.id);
      listStatus.textContent = `${runs.length} runs.`;
      list.replaceChildren(runsTable(runs));
    } catch (err) {
      listStatus.textContent = `Runs unavailable: ${(err as Error).message}`;
    }
  }

  view.replaceChildren(
    h('h1', {}, 'Runs'),
    section('Every run', listStatus, list),
    section('Start a batch', batchForm, batchStatus),
    section('Replay a CSV trace', uploadForm, uploadStatus, rowErrors),
  );
  void refresh();
  const poll = setInterval(() => void refresh(), 3000);
  return () => clearInterval(poll);
}

function runsTable(runs: Run[]): HTMLTableElement {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...['Run', 'Kind', 'Status', 'Progress', 'Tasks', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...runs.map((r) => {
        const pct = r.progress === null ? null : Math.round(r.progress * 100);
        return h(
          'tr',
          { 'data-run': r.id },
          h('th', { scope: 'row' }, h('a', { href: `#/runs/${r.id}` }, `#${r.id} ${r.name}`)),
          h('td', {}, r.kind),
          h('td', {}, r.status, r.error ? h('small', { class: 'error' }, ` ${r.error}`) : null),
          h('td', {}, pct === null ? 'open-ended' : h('progress', { max: 100, value: pct, 'aria-label': `Run ${r.id} progress` }), pct === null ? null : ` ${pct} %`),
          h('td', { class: 'num' }, `${fmt(r.tasksProcessed, 0)}${r.tasksTotal === null ? '' : ` / ${fmt(r.tasksTotal, 0)}`}`),
          h('td', {}, new Date(r.createdAt).toLocaleString()),
        );
      }),
    ),
  );
}

/**
 * The uploaded file's lines with each error against its row (row n is the n-th data line; row 0,
 * the file as a whole).
 */
function errorTable(text: string, errors: TraceRowError[]): HTMLElement {
  const lines = text.split(/\r?\n/);
  const byRow = new Map<number, TraceRowError[]>();
  for (const e of errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e]);
  const whole = byRow.get(0) ?? [];
  return h(
    'div',
    {},
    whole.length ? h('ul', { class: 'error' }, ...whole.map((e) => h('li', {}, `${e.code}: ${e.message}`))) : null,
    h(
      'table',
      { class: 'csv-errors' },
      h('caption', {}, `${errors.length} error(s) in the trace`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Row'), h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Error'))),
      h(
        'tbody',
        {},
        ...[...byRow.entries()]
          .filter(([row]) => row > 0)
          .sort((a, b) => a[0] - b[0])
          .map(([row, errs]) =>
            h(
              'tr',
              { 'data-row': row, class: 'bad-row' },
              h('th', { scope: 'row' }, String(row)),
              h('td', {}, h('code', {}, lines[row] ?? '')),
              h('td', { class: 'error' }, errs.map((e) => `${e.field ? `${e.field}: ` : ''}${e.message}`).join('; ')),
            ),
          ),
      ),
    ),
  );
}
