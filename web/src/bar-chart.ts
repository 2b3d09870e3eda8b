import uPlot from 'uplot';
import { fitWidth } from './chart.js';
import { h } from './dom.js';
import { strategyColour, strategyDash } from './palette.js';

/** One bar: a strategy's mean with its 95% interval (null bounds: no interval, e.g. one seed). */
export interface Bar {
  label: string;
  mean: number;
  low: number | null;
  high: number | null;
}

const WHISKER = '#000000';

/**
 * Bars of each strategy's mean, in the strategy's colour and outline dash, with its 95% interval drawn as
 * an error bar (whiskers in a draw hook). A uPlot chart (bar paths), one series per strategy so each keeps
 * its colour and legend entry; `role="img"` with a text alternative naming each bar and its interval.
 */
export function barChart(title: string, yLabel: string, bars: Bar[], opts: { id?: string; height?: number } = {}): { el: HTMLElement; destroy(): void } {
  const holder = h('div', { id: opts.id, class: 'chart', role: 'img', 'data-points': bars.length });
  holder.setAttribute('aria-label', `${title}: ${bars.map((b) => `${b.label} ${b.mean}${b.low === null ? '' : ` (95% CI ${b.low} to ${b.high})`}`).join('; ')}`);
  const figure = h('figure', { class: 'chart-figure' }, h('figcaption', {}, title), holder);
  const xs = bars.map((_, i) => i);
  const top = Math.max(0, ...bars.map((b) => Math.max(b.mean, b.high ?? b.mean)));
  const bottom = Math.min(0, ...bars.map((b) => Math.min(b.mean, b.low ?? b.mean)));
  const pad = (top - bottom || 1) * 0.08;
  const barPaths = uPlot.paths.bars!({ size: [0.6, 80] });
  const plot = new uPlot(
    {
      width: 600,
      height: opts.height ?? 240,
      scales: {
        x: { time: false, range: [-0.5, bars.length - 0.5] },
        y: { range: [bottom < 0 ? bottom - pad : 0, top + pad] },
      },
      axes: [
        {
          splits: () => xs,
          // Narrow (phone width): names break at their underscore onto two lines, so neighbours do not overlap.
          values: (u, splits) => splits.map((i) => (u.bbox.width / uPlot.pxRatio / bars.length < 90 ? (bars[i]?.label ?? '').replace('_', '\n') : (bars[i]?.label ?? ''))),
          size: 48,
          grid: { show: false },
        },
        { label: yLabel },
      ],
      legend: { show: false },
      cursor: { show: false },
      series: [
        {},
        ...bars.map((b) => ({
          label: b.label,
          fill: strategyColour(b.label),
          stroke: '#000000',
          width: 1,
          dash: strategyDash(b.label),
          paths: barPaths,
          points: { show: false },
        })),
      ],
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = WHISKER;
            ctx.setLineDash([]);
            ctx.lineWidth = 1.5 * uPlot.pxRatio;
            const cap = 8 * uPlot.pxRatio;
            const drawn: { label: string; low: number; high: number }[] = [];
            bars.forEach((b, i) => {
              if (b.low === null || b.high === null) return;
              drawn.push({ label: b.label, low: b.low, high: b.high });
              const x = u.valToPos(i, 'x', true);
              const y0 = u.valToPos(b.low, 'y', true);
              const y1 = u.valToPos(b.high, 'y', true);
              ctx.beginPath();
              ctx.moveTo(x, y0);
              ctx.lineTo(x, y1);
              ctx.moveTo(x - cap, y0);
              ctx.lineTo(x + cap, y0);
              ctx.moveTo(x - cap, y1);
              ctx.lineTo(x + cap, y1);
              ctx.stroke();
            });
            ctx.restore();
            // The intervals the whiskers were drawn at (tests compare them with the API's).
            holder.dataset.whiskers = JSON.stringify(drawn);
          },
        ],
      },
    },
    [xs, ...bars.map((b, k) => xs.map((i) => (i === k ? b.mean : null)))] as uPlot.AlignedData,
    holder,
  );
  const resize = fitWidth(plot, figure);
  return {
    el: figure,
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
