import type { LabApi, LabProgress, PackImportResult, PackSummary } from '../../../main/api';
import { h } from '../shell/dom';
import { notebookHash } from '../notebook';
import type { View } from '../shell/view';
import { uploadPack } from './pack-upload';
import { progressText } from './progress-text';
import { confirmTrust } from './trust-dialog';
import { handIn } from './hand-in-dialog';
import { trustedKeysPanel } from './trusted-keys';
import { handInsPanel } from './hand-ins-panel';

/**
 * The lab library: every pack the workspace knows, from its real manifest, with each lab's
 * progress. A `.labpack` is imported with the button (a file picker) or by dropping it anywhere
 * on the screen; restricted packs carry a badge and a Trust button.
 */
export class LibraryView implements View {
  readonly title = 'Library';
  private disposables: { dispose(): void }[] = [];
  /** Shows a message in the status line (set once mounted). */
  private announce: (message: string) => void = () => {};

  constructor(private readonly api: LabApi) {}

  async mount(host: HTMLElement): Promise<void> {
    const list = h('div', { class: 'pack-grid', role: 'list', 'aria-label': 'Lab packs' });
    const problems = h('div', { class: 'problems' });
    const status = h('div', { class: 'import-status', role: 'status', 'aria-live': 'polite' });
    const picker = h('input', { type: 'file', accept: '.labpack', hidden: true, 'aria-hidden': 'true', tabindex: '-1', 'data-testid': 'pack-file-input' });
    const importBtn = h('button', { type: 'button', class: 'import-pack' }, 'Import lab pack…');
    const dropHint = h('div', { class: 'drop-hint', 'aria-hidden': 'true' }, 'Drop a .labpack to import it');
    const keys = trustedKeysPanel(this.api);
    const handIns = handInsPanel(this.api);
    host.append(
      h(
        'header',
        { class: 'view-header library-header' },
        h('div', {}, h('h1', {}, 'Lab library'), h('p', { class: 'muted' }, 'Labs for the Machine Learning Systems curriculum. Everything runs on this machine, offline.')),
        h('div', { class: 'library-actions' }, importBtn, picker),
      ),
      keys.element,
      handIns.element,
      status,
      problems,
      list,
      dropHint,
    );

    this.announce = (message) => {
      status.className = 'import-status ok';
      status.textContent = message;
    };
    const render = async () => {
      const [{ packs, problems: broken }, progress] = await Promise.all([this.api.library.list(), this.api.packs.progress().catch(() => [] as LabProgress[])]);
      const byId = new Map(progress.map((p) => [p.packId, p]));
      list.replaceChildren(...(packs.length ? packs.map((p) => this.card(p, byId.get(p.id))) : [h('p', { class: 'muted' }, 'No lab packs yet.')]));
      problems.replaceChildren(...broken.map((p) => h('div', { class: 'problem', role: 'alert' }, `Could not read ${p.path}: ${p.message}`)));
      await keys.refresh();
    };

    const importFile = async (file: File) => {
      status.className = 'import-status';
      if (!file.name.toLowerCase().endsWith('.labpack')) {
        showError(`“${file.name}” is not a .labpack file. Lab packs end in .labpack; instructors make them with "mlsys-lab pack build".`);
        return;
      }
      status.textContent = `Verifying ${file.name}…`;
      try {
        const result = await uploadPack(this.api, file, (f) => (status.textContent = `Verifying ${file.name}… ${Math.round(f * 100)}%`));
        status.textContent = describeImport(result);
        status.classList.add('ok');
        await render();
        list.querySelector<HTMLElement>(`[data-pack-id="${CSS.escape(result.id)}"]`)?.classList.add('just-imported');
      } catch (err) {
        const message = (err as Error).message;
        // main's messages already start with the file's name when they concern it
        showError(message.startsWith(`${file.name}:`) ? `Could not import ${message}` : `Could not import ${file.name}: ${message}`);
      }
    };
    const showError = (message: string) => {
      status.textContent = '';
      problems.prepend(h('div', { class: 'problem import-error', role: 'alert' }, message));
    };

    importBtn.addEventListener('click', () => picker.click());
    picker.addEventListener('change', () => {
      const file = picker.files?.[0];
      picker.value = '';
      if (file) void importFile(file);
    });

    // Drag and drop anywhere on the screen; the hint shows while a file is over the window.
    let depth = 0;
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const listen = <K extends keyof DocumentEventMap>(type: K, fn: (e: DocumentEventMap[K]) => void) => {
      document.addEventListener(type, fn as EventListener);
      this.disposables.push({ dispose: () => document.removeEventListener(type, fn as EventListener) });
    };
    listen('dragenter', (e) => {
      if (!hasFiles(e)) return;
      depth++;
      host.classList.add('dragging');
    });
    listen('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) host.classList.remove('dragging');
    });
    listen('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    });
    listen('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      host.classList.remove('dragging');
      for (const file of Array.from(e.dataTransfer?.files ?? [])) void importFile(file);
    });

    this.disposables.push(this.api.library.onDidChange(() => void render()));
    await render();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
  }

  private card(pack: PackSummary, progress: LabProgress | undefined): HTMLElement {
    const progressLine = progressText(progress);
    const trustBtn = pack.trusted
      ? null
      : h('button', { type: 'button', class: 'trust-pack', title: 'Let this pack’s cells run' }, 'Trust…');
    const handInBtn = h('button', { type: 'button', class: 'hand-in', title: 'Export a file with your checks and notebooks for your instructor' }, 'Hand in…');
    handInBtn.addEventListener('click', async () => {
      const file = await handIn(this.api, pack);
      if (file) this.announce(`Saved ${file.fileName} (${file.checksPassed} of ${file.checksTotal} checks passed) to ${file.path}. Give this file to your instructor.`);
    });
    trustBtn?.addEventListener('click', async () => {
      const info = await this.api.packs.trustInfo(pack.id);
      await confirmTrust(this.api, info);
    });
    return h(
      'article',
      { class: `pack-card${pack.trusted ? '' : ' restricted'}`, role: 'listitem', 'data-pack-id': pack.id },
      h('h2', {}, pack.title),
      h('p', { class: 'summary' }, pack.summary),
      h('ul', { class: 'topics', 'aria-label': 'Topics' }, ...pack.topics.map((t) => h('li', { class: 'topic' }, t))),
      h('ul', { class: 'pack-notebooks', 'aria-label': 'Notebooks' }, ...pack.notebooks.map((nb) => h('li', {}, h('a', { href: notebookHash({ pack: pack.id, notebook: nb }), class: 'open-notebook' }, `Open ${nb}`)))),
      progressLine ? h('p', { class: 'lab-progress' }, progressLine) : null,
      pack.trusted ? null : h('div', { class: 'restricted-note' }, h('span', {}, 'Restricted: you can read this lab, but its cells do not run until you trust it.'), trustBtn),
      h(
        'footer',
        {},
        h('span', { class: 'minutes', title: 'Estimated time' }, `${pack.estimatedMinutes} min`),
        h('span', { class: 'muted' }, `v${pack.version} · ${pack.author}`),
        pack.source === 'imported' ? h('span', { class: 'badge imported' }, 'imported') : null,
        pack.trusted ? null : h('span', { class: 'badge restricted', title: 'Cells do not run until you trust this pack' }, 'restricted'),
        handInBtn,
      ),
    );
  }
}

function describeImport(r: PackImportResult): string {
  const what =
    r.status === 'unchanged' ? `“${r.title}” ${r.version} is already installed.` : r.status === 'updated' ? `Updated “${r.title}” from ${r.previousVersion} to ${r.version}.` : `Imported “${r.title}” ${r.version}.`;
  const renamed = r.kept.filter((k) => k.keptAs !== k.path);
  const kept = renamed.length ? ` Your edited ${renamed.map((k) => `${k.path} is kept as ${k.keptAs}`).join(', ')}.` : '';
  const trust = r.trusted ? '' : r.trustReason === 'unsigned' ? ' It is unsigned, so it opens restricted until you trust it.' : ` It is signed by key ${r.signerKeyId}, which you have not trusted, so it opens restricted.`;
  const imported = r.datasets.filter((d) => d.status === 'imported');
  const failed = r.datasets.filter((d) => d.status === 'failed');
  const data =
    (imported.length ? ` ${imported.length} dataset${imported.length > 1 ? 's' : ''} added to your workspace.` : '') +
    failed.map((d) => ` The dataset ${d.path} could not be imported: ${d.problem}`).join('');
  return what + kept + data + trust;
}
