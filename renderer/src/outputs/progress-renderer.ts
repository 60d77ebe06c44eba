/**
 * Progress bars: `application/vnd.mlsys-lab.progress+json` = { value, total, label?, detail? },
 * redrawn in place when the kernel sends update_display_data for the same display id.
 */
import type { OutputRenderer } from './registry';

export const PROGRESS_MIME = 'application/vnd.mlsys-lab.progress+json';

interface Progress {
  value: number;
  total: number;
  label?: string;
  detail?: string;
}

export const progress: OutputRenderer = {
  mimeTypes: [PROGRESS_MIME],
  rank: 85,
  safe: true,
  render(host, data) {
    const row = document.createElement('div');
    row.className = 'progress-output';
    const label = document.createElement('span');
    const bar = document.createElement('progress');
    const detail = document.createElement('span');
    detail.className = 'muted';
    row.append(label, bar, detail);
    host.append(row);
    const draw = (d: unknown) => {
      const p = d as Progress;
      bar.max = p.total > 0 ? p.total : 1;
      bar.value = Math.min(p.value, bar.max);
      label.textContent = p.label ?? '';
      detail.textContent = `${p.total > 0 ? Math.round((100 * p.value) / p.total) : 0}% ${p.detail ?? `(${p.value}/${p.total})`}`;
    };
    draw(data);
    return { update: draw };
  },
};
