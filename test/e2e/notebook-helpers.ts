/** Notebook files for browser tests, written into a test workspace as an attendee would have them. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';

export type Cell = Record<string, unknown>;

export const code = (id: string, source: string, outputs: unknown[] = [], execution_count: number | null = null): Cell => ({ cell_type: 'code', id, metadata: {}, source, outputs, execution_count });
export const markdown = (id: string, source: string): Cell => ({ cell_type: 'markdown', id, metadata: {}, source });

export function writeNotebook(workspaceDir: string, path: string, cells: Cell[], metadata: Record<string, unknown> = { kernelspec: { name: 'mlsys-lab-typescript', display_name: 'TypeScript (mlsys-lab)', language: 'typescript' } }): string {
  const file = join(workspaceDir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells }, null, 1) + '\n');
  return file;
}

/** Opens a workspace notebook and waits until its editors are ready. */
export async function openNotebook(page: Page, baseUrl: string, path: string): Promise<void> {
  const url = new URL(baseUrl);
  url.hash = `#/notebook?path=${encodeURIComponent(path)}`;
  await page.goto(url.toString());
  await page.waitForSelector('.notebook[data-editors="ready"]', { timeout: 30_000 });
}

/** The ids of the cells on screen, in order. */
export function cellIds(page: Page): Promise<string[]> {
  return page.locator('.cells > .cell').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.cellId!));
}

/**
 * An HTML output whose script writes into the output itself what it could and could not reach:
 * the app's page, its cookie and storage, the top window, and the network.
 */
export const FRAME_PROBE = `<div id="w" style="padding:8px;border:1px solid #888">waiting</div>
<script>
  const out = document.getElementById('w');
  const tried = [];
  try { tried.push('parent:' + parent.document.title); } catch { tried.push('parent:blocked'); }
  try { tried.push('cookie:' + document.cookie); } catch { tried.push('cookie:blocked'); }
  try { tried.push('storage:' + localStorage.length); } catch { tried.push('storage:blocked'); }
  try { window.top.pwned = 1; tried.push('top:reached'); } catch { tried.push('top:blocked'); }
  out.textContent = 'ran ' + (6 * 7) + ' | ' + tried.join(' ');
  fetch(location.href).then(() => (out.dataset.fetch = 'reached'), () => (out.dataset.fetch = 'refused'));
</script>`;

/** What FRAME_PROBE writes when its frame keeps it apart from the app. */
export const FRAME_PROBE_CONTAINED = 'ran 42 | parent:blocked cookie:blocked storage:blocked top:blocked';
