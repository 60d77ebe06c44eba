import type { LabProgress } from '../../../main/api';

/** "3 of 5 checks passed · opened 2 h ago · 25 min spent", or nothing for a lab never opened. */
export function progressText(p: LabProgress | undefined, now = Date.now()): string {
  if (!p || (p.lastOpened === null && p.checksTotal === 0 && p.timeSpentMs === 0)) return '';
  const parts: string[] = [];
  if (p.checksTotal > 0) parts.push(`${p.checksPassed} of ${p.checksTotal} checks passed`);
  if (p.lastOpened) parts.push(`opened ${ago(now - Date.parse(p.lastOpened))}`);
  if (p.timeSpentMs > 0) parts.push(`${duration(p.timeSpentMs)} spent`);
  return parts.join(' · ');
}

function ago(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const hours = Math.round(min / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

function duration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}
