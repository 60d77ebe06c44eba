import type { HandInResults, LabApi } from '../../../main/api';
import { h } from '../shell/dom';

const MARK = { passed: '✓', failed: '✗', missing: '–' } as const;
const WORD = { passed: 'passed', failed: 'failed', missing: 'not run' } as const;

/**
 * For instructors, a collapsed panel under the library's header: reads a folder of attendees'
 * `.labsub` hand-ins into a results table (a row per hand-in, a column per check, and the checks
 * most often not passed) and exports it as CSV. Check names are long sentences, so columns are
 * numbered and the legend below names them.
 */
export function handInsPanel(api: LabApi): { element: HTMLElement } {
  const input = h('input', { type: 'text', id: 'hand-ins-folder', placeholder: 'Folder with the .labsub files, e.g. ~/workshop/hand-ins', spellcheck: 'false', autocomplete: 'off' });
  const read = h('button', { type: 'submit' }, 'Read hand-ins');
  const exportBtn = h('button', { type: 'button', class: 'export-csv', hidden: true }, 'Export CSV');
  const status = h('p', { class: 'muted hand-ins-status', role: 'status' });
  const output = h('div', { class: 'hand-ins-results' });
  const form = h('form', { class: 'hand-ins-form' }, h('label', { for: 'hand-ins-folder' }, 'Folder'), input, read, exportBtn);
  const element = h(
    'details',
    { class: 'hand-ins' },
    h('summary', {}, 'Hand-ins (for instructors)'),
    h('p', { class: 'muted' }, 'Collect the .labsub files attendees export with “Hand in…” into one folder, then read them here. Damaged or altered files are skipped and named.'),
    form,
    status,
    output,
  );
  let results: HandInResults | null = null;

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const folder = input.value.trim();
    if (!folder) return;
    read.disabled = true;
    try {
      results = await api.packs.readHandIns(folder);
      show(results);
    } catch (err) {
      results = null;
      exportBtn.hidden = true;
      output.replaceChildren(h('div', { class: 'problem', role: 'alert' }, (err as Error).message));
      status.textContent = '';
    } finally {
      read.disabled = false;
    }
  });

  exportBtn.addEventListener('click', () => {
    if (!results) return;
    const url = URL.createObjectURL(new Blob([results.csv], { type: 'text/csv' }));
    const a = h('a', { href: url, download: 'results.csv', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });

  const show = (r: HandInResults) => {
    status.textContent = `${r.rows.length} hand-in${r.rows.length === 1 ? '' : 's'} from ${r.folder}${r.problems.length ? `, ${r.problems.length} skipped` : ''}.`;
    exportBtn.hidden = r.rows.length === 0;
    const number = new Map(r.checkIds.map((id, i) => [id, i + 1]));
    // seeds most hand-ins share; a row that ran with others is marked (a different split or init explains a different result)
    const seedsOf = (row: (typeof r.rows)[number]) =>
      Object.keys(row.seeds)
        .sort()
        .map((k) => `${k}=${row.seeds[k]}`)
        .join('; ');
    const counts = new Map<string, number>();
    for (const row of r.rows) counts.set(seedsOf(row), (counts.get(seedsOf(row)) ?? 0) + 1);
    const usual = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    const table = h(
      'table',
      { class: 'results-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Attendee'), h('th', { scope: 'col' }, 'Passed'), ...r.checkIds.map((id, i) => h('th', { scope: 'col', title: id }, String(i + 1))), h('th', { scope: 'col' }, 'Seeds'))),
      h(
        'tbody',
        {},
        ...r.rows.map((row) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row', title: `${row.file} · ${row.packId} ${row.packVersion} · ${row.createdAt}` }, row.attendee),
            h('td', { class: 'passed' }, `${row.passed}/${row.total}`),
            ...r.checkIds.map((id) => h('td', { class: `check-${row.checks[id]}`, title: `${id}: ${WORD[row.checks[id]]}` }, MARK[row.checks[id]])),
            seedsOf(row) === usual || counts.size < 2
              ? h('td', { class: 'seeds' }, seedsOf(row))
              : h('td', { class: 'seeds seeds-differ', title: `Other seeds than most hand-ins (${usual || 'none'})` }, seedsOf(row) || 'none'),
          ),
        ),
      ),
    );
    const legend = h(
      'ol',
      { class: 'results-legend', 'aria-label': 'Checks, most often not passed first' },
      ...r.mostFailed.map((c) =>
        h('li', { value: number.get(c.checkId) ?? 0 }, h('span', {}, c.checkId), h('span', { class: 'muted' }, c.failed + c.missing ? ` — failed by ${c.failed}, not run by ${c.missing}, of ${c.of}` : ` — passed by all ${c.of}`)),
      ),
    );
    output.replaceChildren(
      r.rows.length ? table : h('p', { class: 'muted' }, 'No readable .labsub files in this folder.'),
      r.rows.length ? h('h3', {}, 'Checks, most often not passed first') : '',
      r.rows.length ? legend : '',
      ...r.problems.map((p) => h('div', { class: 'problem' }, `Skipped ${p.file}: ${p.message}`)),
    );
  };

  return { element };
}
