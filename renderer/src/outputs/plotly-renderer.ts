/**
 * Interactive Plotly figures (`application/vnd.plotly.v1+json`, the MIME type Jupyter front ends
 * use). plotly.js is bundled and loaded the first time a figure appears; a live training curve
 * sent again with update_display_data is redrawn in place with Plotly.react.
 */
import type { OutputRenderer } from './registry';
import { withTitleObjects } from './plotly-titles';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

interface Figure {
  data?: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

interface PlotlyLib {
  newPlot(el: HTMLElement, data: unknown[], layout: unknown, config: unknown): Promise<unknown>;
  react(el: HTMLElement, data: unknown[], layout: unknown, config: unknown): Promise<unknown>;
  purge(el: HTMLElement): void;
}

let plotly: Promise<PlotlyLib> | undefined;
const loadPlotly = () => (plotly ??= import('plotly.js-dist-min').then((m) => ((m as { default?: PlotlyLib }).default ?? m) as PlotlyLib));

function themed(layout: Record<string, unknown> | undefined, host: HTMLElement): Record<string, unknown> {
  const color = getComputedStyle(host).color;
  return { autosize: true, paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)', font: { color }, margin: { t: 40, r: 20, b: 40, l: 50 }, ...withTitleObjects(layout) };
}

export const plotlyFigure: OutputRenderer = {
  mimeTypes: [PLOTLY_MIME],
  rank: 100,
  safe: true,
  accepts: (_m, d) => typeof d === 'object' && d !== null && Array.isArray((d as Figure).data),
  async render(host, data) {
    const el = document.createElement('div');
    el.className = 'plotly-output';
    host.append(el);
    const lib = await loadPlotly();
    const fig = data as Figure;
    const config = { displaylogo: false, responsive: true, ...fig.config };
    await lib.newPlot(el, withTitleObjects(fig.data ?? []), themed(fig.layout, host), config);
    return {
      update: (d) => {
        const f = d as Figure;
        void lib.react(el, withTitleObjects(f.data ?? []), themed(f.layout, host), { ...config, ...f.config });
      },
      dispose: () => lib.purge(el),
    };
  },
};
