/** Check results (`lab.check`): passed or failed, with the detail that says why. */
import type { OutputRenderer } from './registry';

export const CHECK_MIME = 'application/vnd.mlsys-lab.check+json';

export const check: OutputRenderer = {
  mimeTypes: [CHECK_MIME],
  rank: 95,
  safe: true,
  accepts: (_m, d) => typeof d === 'object' && d !== null && typeof (d as { passed?: unknown }).passed === 'boolean',
  render(host, data) {
    const c = data as { name: string; passed: boolean; detail?: string };
    const row = document.createElement('div');
    row.className = `check-output ${c.passed ? 'passed' : 'failed'}`;
    row.setAttribute('role', 'status');
    const mark = document.createElement('strong');
    mark.textContent = c.passed ? '✓ Check passed' : '✗ Check failed';
    row.append(mark, `: ${c.name}`);
    if (c.detail) row.append(Object.assign(document.createElement('div'), { className: 'muted', textContent: c.detail }));
    host.append(row);
  },
};
