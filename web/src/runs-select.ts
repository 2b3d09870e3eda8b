import { all, type Run } from './api.js';
import { field, select } from './dom.js';

/** A labelled run picker: the continuous run (default) and every other run, newest first. */
export async function runPicker(label: string, selected?: number): Promise<{ el: HTMLElement; input: HTMLSelectElement; runs: Run[] }> {
  const runs = (await all<Run>('simulation/runs', {}, 1000)).sort((a, b) => b.id - a.id);
  const options = [{ value: '', label: 'The continuous run' }, ...runs.map((r) => ({ value: String(r.id), label: `#${r.id} ${r.name} (${r.kind}, ${r.status})` }))];
  const input = select('runId', options, selected === undefined ? '' : String(selected));
  return { el: field(label, input), input, runs };
}
