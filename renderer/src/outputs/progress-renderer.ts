/**
 * Progress bars: `application/vnd.mlsys-lab.progress+json` = { done, total, label?, detail? },
 * redrawn in place when the kernel sends update_display_data for the same display id.
 */
import type { OutputRenderer } from './registry';

export const PROGRESS_MIME = 'application/vnd.mlsys-lab.progress+json';

interface Progress {
  /** Steps done (the kernel's lab.progress sends `done`; `value` is accepted too). */
  done?: number;
  value?: number;
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
      const done = p.done ?? p.value ?? 0;
      bar.max = p.total > 0 ? p.total : 1;
      bar.value = Math.min(done, bar.max);
      label.textContent = p.label ?? '';
      detail.textContent = `${p.total > 0 ? Math.round((100 * done) / p.total) : 0}% ${p.detail ?? `(${done}/${p.total})`}`;
    };
    draw(data);
    return { update: draw };
  },
};
