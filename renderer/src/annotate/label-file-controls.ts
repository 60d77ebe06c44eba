import type { LabApi, QueueSummary } from '../../../main/api';
import { h } from '../shell/dom';

/**
 * Offline teams: "Export my labels" downloads the annotator's labels of the queue's dataset as a
 * label file; "Import labels…" merges a file made on another machine (importing it twice changes
 * nothing; a label that disagrees is kept beside the one here). The outcome goes to `status`.
 */
export function labelFileControls(api: LabApi, queue: QueueSummary, annotator: string, status: HTMLElement): HTMLElement {
  const say = (text: string, error = false) => {
    status.textContent = text;
    status.classList.toggle('error', error);
  };
  const exportButton = h('button', { type: 'button', class: 'export-labels' }, 'Export my labels');
  exportButton.addEventListener('click', async () => {
    try {
      const file = await api.queues.labelFile(queue.datasetId, annotator);
      const url = URL.createObjectURL(new Blob([file.text], { type: 'application/x-ndjson' }));
      const a = h('a', { href: url, download: file.fileName });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      say(`Exported ${file.count} label(s) to ${file.fileName}: import it on the team's machine.`);
    } catch (err) {
      say(`Export failed: ${(err as Error).message}`, true);
    }
  });
  const input = h('input', { type: 'file', accept: '.jsonl,.labels.jsonl,application/x-ndjson', class: 'visually-hidden', id: 'import-labels-file' });
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    try {
      const r = await api.queues.importLabelFile(await file.text(), file.name);
      say(`Imported ${r.added} label(s) from ${file.name}: ${r.alreadyPresent} already here, ${r.conflicts} kept beside a different label${r.mismatched.length ? `, ${r.mismatched.length} line(s) differ from the label with the same id here (both kept)` : ''}.`);
    } catch (err) {
      say(`Import failed: ${(err as Error).message}`, true);
    } finally {
      input.value = '';
    }
  });
  const importLabel = h('label', { class: 'button import-labels', for: 'import-labels-file' }, 'Import labels…');
  return h('span', { class: 'label-file-controls' }, exportButton, importLabel, input);
}
