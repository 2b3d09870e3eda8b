// tdigest ships no types: the part of its API the stats bench uses.
declare module 'tdigest' {
  export class TDigest {
    constructor(delta?: number, K?: number, CX?: number);
    push(x: number | number[], n?: number): void;
    percentile(p: number): number;
    toArray(everything?: boolean): { mean: number; n: number }[];
  }
  const tdigest: { TDigest: typeof TDigest };
  export default tdigest;
}
