// Okabe–Ito: a palette people with any common colour-vision deficiency tell apart.
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#0072B2', '#D55E00', '#CC79A7', '#000000', '#F0E442'];

// Fixed per strategy, so a strategy keeps its colour on every chart; each also has its own dash pattern.
export const STRATEGIES = ['round_robin', 'random', 'greedy', 'hybrid_ml', 'rl_agent', 'oracle', 'eft'] as const;
const DASHES: number[][] = [[], [6, 3], [2, 2], [], [8, 3, 2, 3], [4, 4], [1, 3]];

export function strategyColour(name: string): string {
  const i = STRATEGIES.indexOf(name as (typeof STRATEGIES)[number]);
  return OKABE_ITO[(i < 0 ? STRATEGIES.length : i) % OKABE_ITO.length];
}

export function strategyDash(name: string): number[] {
  const i = STRATEGIES.indexOf(name as (typeof STRATEGIES)[number]);
  return DASHES[i < 0 ? 0 : i];
}
