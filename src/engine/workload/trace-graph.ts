// Graph helpers for trace validation: cycle detection and a dependency-respecting order.

/**
 * Nodes that sit on a dependency cycle (strongly connected components of more than one node),
 * by an iterative Tarjan so a long chain cannot overflow the stack. `edges[i]` lists node i's parents.
 */
export function nodesOnCycles(edges: readonly (readonly number[])[]): number[] {
  const n = edges.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const result: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, edge] = frame;
      if (edge === 0) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = 1;
      }
      if (edge < edges[v].length) {
        frame[1] = edge + 1;
        const w = edges[v][edge];
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        if (component.length > 1) result.push(...component);
      }
    }
  }
  return result.sort((a, b) => a - b);
}

/**
 * A topological order of an acyclic graph that keeps the given order wherever the dependencies
 * allow it (Kahn's algorithm, always releasing the lowest-numbered ready node).
 */
export function stableTopologicalOrder(edges: readonly (readonly number[])[]): number[] {
  const n = edges.length;
  const pending = new Int32Array(n);
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let v = 0; v < n; v++) {
    pending[v] = edges[v].length;
    for (const parent of edges[v]) children[parent].push(v);
  }
  const heap = new MinHeap();
  for (let v = 0; v < n; v++) if (pending[v] === 0) heap.push(v);
  const order: number[] = [];
  while (heap.size > 0) {
    const v = heap.pop();
    order.push(v);
    for (const child of children[v]) if (--pending[child] === 0) heap.push(child);
  }
  return order;
}

class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= a[i]) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
