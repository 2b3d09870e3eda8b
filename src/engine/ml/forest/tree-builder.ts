import { type MlRandom, nextIndex } from '../ml-random.js';

/** Hyper-parameters one tree is grown with (already resolved to counts). */
export interface TreeGrowth {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: number;
}

/** Growable flat node arrays shared by every tree of a forest; children always have larger ids than parents. */
export class NodeStore {
  count = 0;
  feature = new Int32Array(256);
  threshold = new Float64Array(256);
  left = new Int32Array(256);
  right = new Int32Array(256);
  value = new Float64Array(256);

  add(value: number): number {
    if (this.count === this.feature.length) this.grow();
    const id = this.count++;
    this.feature[id] = -1;
    this.threshold[id] = 0;
    this.left[id] = -1;
    this.right[id] = -1;
    this.value[id] = value;
    return id;
  }

  private grow(): void {
    const size = this.feature.length * 2;
    const copy = <T extends Int32Array | Float64Array>(from: T, to: T): T => (to.set(from), to);
    this.feature = copy(this.feature, new Int32Array(size));
    this.threshold = copy(this.threshold, new Float64Array(size));
    this.left = copy(this.left, new Int32Array(size));
    this.right = copy(this.right, new Int32Array(size));
    this.value = copy(this.value, new Float64Array(size));
  }
}

// Below this a node's variance is rounding noise, not signal (relative to the squared mean).
const CONSTANT_TOLERANCE = 1e-20;
// A split must remove more than this share of the node's squared error to count.
const GAIN_TOLERANCE = 1e-12;

/**
 * Grows CART regression trees on bootstrap weights. Each feature's row order is sorted once per fit;
 * per tree the in-bag rows are filtered out of that order, and every split is one linear prefix-sum
 * scan per candidate feature, after which the node's rows are stably partitioned in every feature's order.
 * All scratch buffers are allocated once and reused across trees.
 */
export class TreeBuilder {
  private readonly presorted: Int32Array;
  private readonly counts: Int32Array;
  private readonly sorted: Int32Array;
  private readonly goLeft: Uint8Array;
  private readonly scratch: Int32Array;
  private readonly featurePool: Int32Array;
  private readonly stack: Int32Array;
  private inBag = 0;

  /**
   * @param columns feature-major values: feature f of row i is `columns[f * rows + i]`
   * @param y the targets, one per row
   */
  constructor(
    private readonly columns: Float64Array,
    private readonly y: Float64Array,
    private readonly rows: number,
    private readonly features: number,
  ) {
    this.presorted = new Int32Array(features * rows);
    for (let f = 0; f < features; f++) {
      const order = this.presorted.subarray(f * rows, (f + 1) * rows);
      for (let i = 0; i < rows; i++) order[i] = i;
      const base = f * rows;
      // Ties broken by row index so the order never depends on the sort implementation.
      order.sort((a, b) => columns[base + a] - columns[base + b] || a - b);
    }
    this.counts = new Int32Array(rows);
    this.sorted = new Int32Array(features * rows);
    this.goLeft = new Uint8Array(rows);
    this.scratch = new Int32Array(rows);
    this.featurePool = new Int32Array(features);
    this.stack = new Int32Array(4 * (rows + 2));
  }

  /** Grows one tree into `store` and adds its squared-error decrease per feature to `importances`; returns the root id. */
  grow(store: NodeStore, growth: TreeGrowth, rng: MlRandom, bootstrap: boolean, importances: Float64Array): number {
    this.drawSample(rng, bootstrap);
    const { stack } = this;
    const root = store.add(0);
    let top = 0;
    stack[top++] = root;
    stack[top++] = 0;
    stack[top++] = this.inBag;
    stack[top++] = 0;
    while (top > 0) {
      const depth = stack[--top];
      const end = stack[--top];
      const start = stack[--top];
      const node = stack[--top];
      const leftCount = this.splitNode(store, node, start, end, depth, growth, rng, importances);
      if (leftCount === 0) continue;
      const leftId = store.add(0);
      const rightId = store.add(0);
      store.left[node] = leftId;
      store.right[node] = rightId;
      stack[top++] = rightId;
      stack[top++] = start + leftCount;
      stack[top++] = end;
      stack[top++] = depth + 1;
      stack[top++] = leftId;
      stack[top++] = start;
      stack[top++] = start + leftCount;
      stack[top++] = depth + 1;
    }
    return root;
  }

  private drawSample(rng: MlRandom, bootstrap: boolean): void {
    const { counts, rows, features, presorted, sorted } = this;
    if (bootstrap) {
      counts.fill(0);
      for (let k = 0; k < rows; k++) counts[nextIndex(rng, rows)]++;
    } else {
      counts.fill(1);
    }
    let inBag = 0;
    for (let i = 0; i < rows; i++) if (counts[i] > 0) inBag++;
    this.inBag = inBag;
    for (let f = 0; f < features; f++) {
      let out = f * inBag;
      for (let k = f * rows, last = k + rows; k < last; k++) {
        if (counts[presorted[k]] > 0) sorted[out++] = presorted[k];
      }
    }
  }

  /** Sets the node's value and, when a useful split exists, its feature and threshold; returns the left row count (0: leaf). */
  private splitNode(
    store: NodeStore,
    node: number,
    start: number,
    end: number,
    depth: number,
    growth: TreeGrowth,
    rng: MlRandom,
    importances: Float64Array,
  ): number {
    const { counts, y, sorted, columns, rows, features, featurePool, inBag } = this;
    let weight = 0;
    let sum = 0;
    for (let k = start; k < end; k++) {
      const i = sorted[k];
      weight += counts[i];
      sum += counts[i] * y[i];
    }
    const mean = sum / weight;
    store.value[node] = mean;
    const size = end - start;
    if (depth >= growth.maxDepth || size < growth.minSamplesSplit || size < 2 * growth.minSamplesLeaf) return 0;
    let sse = 0;
    for (let k = start; k < end; k++) {
      const i = sorted[k];
      const d = y[i] - mean;
      sse += counts[i] * d * d;
    }
    if (sse <= CONSTANT_TOLERANCE * weight * mean * mean) return 0;

    const minLeaf = growth.minSamplesLeaf;
    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestThreshold = 0;
    let bestLeft = 0;
    for (let f = 0; f < features; f++) featurePool[f] = f;
    // Like sklearn: draw features without replacement until maxFeatures non-constant ones were scanned.
    let visited = 0;
    for (let drawn = 0; drawn < features && visited < growth.maxFeatures; drawn++) {
      const pick = drawn + nextIndex(rng, features - drawn);
      const f = featurePool[pick];
      featurePool[pick] = featurePool[drawn];
      featurePool[drawn] = f;
      const base = f * rows;
      const segment = f * inBag;
      if (columns[base + sorted[segment + start]] === columns[base + sorted[segment + end - 1]]) continue;
      visited++;
      let leftWeight = 0;
      let leftSum = 0;
      for (let k = start; k < end - 1; k++) {
        const i = sorted[segment + k];
        leftWeight += counts[i];
        leftSum += counts[i] * y[i];
        const x = columns[base + i];
        const next = columns[base + sorted[segment + k + 1]];
        if (next === x) continue;
        const leftSize = k + 1 - start;
        if (leftSize < minLeaf || size - leftSize < minLeaf) continue;
        const rightSum = sum - leftSum;
        const proxy = (leftSum * leftSum) / leftWeight + (rightSum * rightSum) / (weight - leftWeight);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestFeature = f;
          const middle = x / 2 + next / 2;
          // Adjacent doubles can round the midpoint up onto `next`; x itself then separates them.
          bestThreshold = middle < next ? middle : x;
          bestLeft = leftSize;
        }
      }
    }
    const gain = bestProxy - (sum * sum) / weight;
    if (bestFeature < 0 || !(gain > GAIN_TOLERANCE * sse)) return 0;

    store.feature[node] = bestFeature;
    store.threshold[node] = bestThreshold;
    importances[bestFeature] += gain;
    this.partition(bestFeature, start, end, bestLeft);
    return bestLeft;
  }

  /** Stable-partitions rows [start, end) of every feature's order into left then right. */
  private partition(splitFeature: number, start: number, end: number, leftCount: number): void {
    const { sorted, goLeft, scratch, features, inBag } = this;
    const splitSegment = splitFeature * inBag;
    for (let k = start; k < end; k++) goLeft[sorted[splitSegment + k]] = k - start < leftCount ? 1 : 0;
    for (let f = 0; f < features; f++) {
      if (f === splitFeature) continue;
      const segment = f * inBag;
      let l = segment + start;
      let r = 0;
      for (let k = segment + start, last = segment + end; k < last; k++) {
        const i = sorted[k];
        if (goLeft[i] === 1) sorted[l++] = i;
        else scratch[r++] = i;
      }
      sorted.set(scratch.subarray(0, r), l);
    }
  }
}
