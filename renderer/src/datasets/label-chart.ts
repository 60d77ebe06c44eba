import type { LabelDistribution } from '../../../main/api';

/** The few Plotly calls this screen makes, typed here so the chart code is checked. */
interface PlotlyLike {
  react(el: HTMLElement, data: unknown[], layout: Record<string, unknown>, config: Record<string, unknown>): Promise<unknown>;
  purge(el: HTMLElement): void;
}

let plotly: Promise<PlotlyLike> | undefined;

/** Plotly is bundled (no CDN) in its own chunk, loaded the first time a chart is drawn. */
function loadPlotly(): Promise<PlotlyLike> {
  // @ts-ignore plotly.js-dist-min ships no types; PlotlyLike describes what is used
  plotly ??= import('plotly.js-dist-min').then((m: { default?: PlotlyLike }) => (m.default ?? m) as PlotlyLike);
  return plotly;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The label distribution as a horizontal bar chart, in the theme's colours. */
export class LabelChart {
  private disposed = false;
  private drawn = false;
  private last: LabelDistribution | undefined;
  private readonly scheme = matchMedia('(prefers-color-scheme: dark)');
  // colours are read from the theme when drawing, so a switch to dark or light redraws
  private readonly onScheme = () => {
    if (this.last) void this.draw(this.last);
  };

  constructor(private readonly host: HTMLElement) {
    this.scheme.addEventListener('change', this.onScheme);
  }

  async draw(dist: LabelDistribution): Promise<void> {
    this.last = dist;
    const P = await loadPlotly();
    if (this.disposed) return;
    const rows = [...dist.counts].reverse(); // most frequent on top
    if (dist.unlabeled) rows.unshift({ value: '', name: '(unlabeled)', count: dist.unlabeled });
    const fg = cssVar('--fg');
    const border = cssVar('--border');
    await P.react(
      this.host,
      [
        {
          type: 'bar',
          orientation: 'h',
          x: rows.map((r) => r.count),
          y: rows.map((r) => (r.name !== r.value && r.value !== '' ? `${r.name} (${r.value})` : r.name)),
          marker: { color: rows.map((r) => (r.value === '' ? cssVar('--muted') : cssVar('--accent'))) },
          hovertemplate: '%{y}: %{x}<extra></extra>',
        },
      ],
      {
        margin: { l: 140, r: 16, t: 8, b: 32 },
        height: Math.max(160, 28 * rows.length + 48),
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(0,0,0,0)',
        font: { color: fg, size: 12 },
        xaxis: { gridcolor: border, zerolinecolor: border, title: { text: 'samples' } },
        yaxis: { automargin: true },
      },
      { displayModeBar: false, responsive: true },
    );
    this.drawn = true;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.scheme.removeEventListener('change', this.onScheme);
    if (this.drawn) void loadPlotly().then((P) => P.purge(this.host));
  }
}
