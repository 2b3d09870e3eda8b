import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom.js';
import { strategyColour, strategyDash } from './palette.js';

export interface SeriesSpec {
  label: string;
  colour?: string;
  dash?: number[];
  /** Draw points only (sparse series such as model versions). */
  points?: boolean;
  scale?: string;
}

export interface LineChart {
  el: HTMLElement;
  /** x values and one array per series (null for a gap). */
  set(x: number[], ys: (number | null)[][]): void;
  destroy(): void;
}

/** A series per strategy, in its fixed colour and dash. */
export const strategySeries = (names: string[]): SeriesSpec[] => names.map((n) => ({ label: n, colour: strategyColour(n), dash: strategyDash(n) }));

/**
 * A uPlot line chart that fills its container's width, with a text alternative (`aria-label`) and the
 * number of x values drawn in `data-points` (tests and people with screen readers read them).
 */
export function lineChart(title: string, xLabel: string, yLabel: string, series: SeriesSpec[], opts: { y2Label?: string; height?: number; id?: string } = {}): LineChart {
  const holder = h('div', { id: opts.id, class: 'chart', role: 'img', 'aria-label': `${title}: no data yet`, 'data-points': 0 });
  const figure = h('figure', { class: 'chart-figure' }, h('figcaption', {}, title), holder);
  const axes: uPlot.Axis[] = [{ label: xLabel }, { label: yLabel, scale: 'y' }];
  if (opts.y2Label) axes.push({ label: opts.y2Label, scale: 'y2', side: 1, grid: { show: false } });
  const plot = new uPlot(
    {
      width: 600,
      height: opts.height ?? 240,
      scales: { x: { time: false } },
      axes,
      legend: { live: false },
      cursor: { focus: { prox: 16 } },
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.colour ?? '#0072B2',
          width: 2,
          dash: s.dash,
          scale: s.scale ?? 'y',
          spanGaps: true,
          points: s.points ? { show: true, size: 7 } : { show: false },
          paths: s.points ? () => null : undefined,
        })),
      ],
    },
    [[], ...series.map(() => [])],
    holder,
  );
  const resize = fitWidth(plot, figure);
  return {
    el: figure,
    set(x, ys) {
      plot.setData([x, ...ys] as uPlot.AlignedData);
      holder.dataset.points = String(x.length);
      holder.setAttribute('aria-label', x.length ? `${title}: ${x.length} points, ${series.map((s) => s.label).join(', ')}` : `${title}: no data yet`);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}

/** Keeps a uPlot chart as wide as its container (at least 260 px); disconnect it with the chart. */
export function fitWidth(plot: uPlot, container: HTMLElement): ResizeObserver {
  const resize = new ResizeObserver(() => {
    const width = Math.max(260, Math.floor(container.clientWidth));
    if (width !== plot.width) plot.setSize({ width, height: plot.height });
  });
  resize.observe(container);
  return resize;
}
