import type { LabApi, PackSummary, SubmissionFile } from '../../../main/api';
import { h } from '../shell/dom';

const NAME_KEY = 'mlsys-lab.attendee-name';

/**
 * Hand-in without a server: asks for the attendee's name (remembered), writes the `.labsub` into
 * the workspace and offers it as a download to pass to the instructor (a USB stick, a shared
 * folder, email). Resolves to the file, or null when cancelled.
 */
export function handIn(api: LabApi, pack: PackSummary): Promise<SubmissionFile | null> {
  return new Promise((resolve) => {
    const input = h('input', { type: 'text', id: 'hand-in-name', required: true, maxlength: '200', autocomplete: 'name', value: localStorage.getItem(NAME_KEY) ?? '' });
    const ok = h('button', { class: 'primary', type: 'submit' }, 'Export hand-in file');
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const error = h('div', { role: 'alert' });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'hand-in-title' }, `Hand in “${pack.title}”`),
      h('p', {}, 'This writes one file with your checks, your notebooks with their outputs, and a record of this machine and its versions. Give it to your instructor.'),
      h('p', {}, h('label', { for: 'hand-in-name' }, 'Your name '), input),
      error,
      h('div', { class: 'dialog-actions' }, cancel, ok),
    );
    const dialog = h('dialog', { class: 'trust-dialog hand-in-dialog', 'aria-labelledby': 'hand-in-title' }, form);
    const close = (file: SubmissionFile | null) => {
      dialog.close();
      dialog.remove();
      resolve(file);
    };
    cancel.addEventListener('click', () => close(null));
    dialog.addEventListener('cancel', () => close(null));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const name = input.value.trim();
      if (!name) return;
      ok.disabled = true;
      try {
        const file = await api.packs.exportSubmission(pack.id, name);
        localStorage.setItem(NAME_KEY, name);
        download(file);
        close(file);
      } catch (err) {
        ok.disabled = false;
        error.replaceChildren(h('div', { class: 'problem' }, `Could not export: ${(err as Error).message}`));
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}

function download(file: SubmissionFile): void {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = h('a', { href: url, download: file.fileName, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
