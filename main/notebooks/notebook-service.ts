/**
 * Notebook sessions. A session holds the model of one open notebook in main, so outputs keep
 * arriving while no window shows it, and a view that comes back catches up with `open` or `get`.
 * Files are written crash-safely; a change on disk by another program is noticed (by a folder
 * watch, and always by a check right before writing) and never silently overwritten.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { NotebookDocument, NotebookEdit, NotebookEvent, NotebookRef, NotebookState, NotebooksApi, NotebookVariable } from '../api/notebooks';
import { ApiError } from '../rpc/errors';
import { writeFileAtomic } from '../util/atomic-write';
import { foreignLanguage, parseIpynb, serializeIpynb, TYPESCRIPT_METADATA } from './ipynb';
import { NotebookModel } from './notebook-model';
import { CellRunner } from './cell-runner';
import type { CellRunRecord } from './cell-runner';
import type { KernelFactory } from './kernel-port';
import { readIfExists, resolveNotebook, sha256, type PackSource } from './notebook-files';

export interface NotebookServiceOptions {
  workspaceDir: string;
  packs: PackSource[];
  /** Seconds after an edit before a dirty notebook is saved; 0 turns autosave off. Read at every edit. */
  autosaveSeconds: () => number;
  emit: (event: NotebookEvent) => void;
  /** Starts a kernel for a notebook; without one, cells cannot run (E_NO_KERNEL). */
  kernels?: KernelFactory;
  /** Called after each cell run with what it measured (the workspace records it in the runs table). */
  onCellRun?: (run: CellRunRecord) => void;
  /** Told of each thing the attendee does with a notebook (the workspace keeps per-lab time spent from these). */
  onActivity?: (notebook: string, action: 'open' | 'edit' | 'run' | 'close') => void;
  log?: (message: string) => void;
}

interface Session {
  handle: string;
  file: string;
  title: string;
  trusted: boolean;
  notice: string | null;
  model: NotebookModel;
  runner: CellRunner;
  /** Hash of the file as we last read or wrote it. */
  diskHash: string | null;
  diskChanged: boolean;
  savedAt: number | null;
  saveError: string | null;
  announcedDirty: boolean;
  autosave?: NodeJS.Timeout;
  watcher?: FSWatcher;
  /** Saves of one session run one after another. */
  saving: Promise<unknown>;
}

const newCellId = () => randomUUID().replace(/-/g, '').slice(0, 12);

export class NotebookService implements Omit<NotebooksApi, 'onDidChange'> {
  private readonly sessions = new Map<string, Session>();
  private readonly opening = new Map<string, Promise<Session>>();
  private readonly log: (m: string) => void;

  constructor(private readonly options: NotebookServiceOptions) {
    this.log = options.log ?? (() => {});
  }

  async open(ref: NotebookRef): Promise<NotebookDocument> {
    const resolved = await resolveNotebook(this.options.workspaceDir, this.options.packs, ref);
    let session = this.sessions.get(resolved.handle);
    if (!session) {
      let pending = this.opening.get(resolved.handle);
      if (!pending) {
        pending = this.load(resolved.handle, resolved.file, resolved.trusted).finally(() => this.opening.delete(resolved.handle));
        this.opening.set(resolved.handle, pending);
      }
      session = await pending;
    }
    this.activity(session.handle, 'open');
    return this.document(session);
  }

  private async load(handle: string, file: string, trusted: boolean): Promise<Session> {
    const text = await readIfExists(file);
    if (text === null) throw new ApiError('E_NO_NOTEBOOK', `Cannot open "${handle}": the file does not exist`);
    const nb = parseIpynb(text, handle, newCellId);
    const foreign = foreignLanguage(nb.metadata);
    const session: Session = {
      handle,
      file,
      title: basename(file, '.ipynb'),
      trusted,
      notice: foreign
        ? `This notebook was written for ${foreign}. mlsys-lab runs TypeScript, so it is open read-only: you can read it and its saved outputs, but not edit or run it.`
        : null,
      model: new NotebookModel(nb, newCellId),
      runner: undefined as unknown as CellRunner,
      diskHash: sha256(text),
      diskChanged: false,
      savedAt: null,
      saveError: null,
      announcedDirty: false,
      saving: Promise.resolve(),
    };
    session.runner = new CellRunner(handle, () => session.model, this.options.kernels, (kernel) => session.model.announce({ kind: 'kernel', kernel }), this.options.onCellRun);
    this.attach(session);
    this.sessions.set(handle, session);
    return session;
  }

  private attach(s: Session): void {
    s.model.onChange((change, version) => {
      this.options.emit({ handle: s.handle, version, change });
      if (s.model.dirty) this.scheduleAutosave(s);
      if (s.model.dirty !== s.announcedDirty && change.kind !== 'state') this.announce(s);
    });
    if (!s.watcher) {
      try {
        let timer: NodeJS.Timeout | undefined;
        s.watcher = watch(dirname(s.file), (_event, name) => {
          if (name !== basename(s.file)) return;
          clearTimeout(timer);
          timer = setTimeout(() => void this.checkDisk(s), 100);
        });
        s.watcher.on('error', () => s.watcher?.close());
        s.watcher.unref();
      } catch {
        // watching is a courtesy; the check before every save is the guarantee
      }
    }
  }

  /** Notes that the file changed under us, so the UI can say so before anyone saves. */
  private async checkDisk(s: Session): Promise<void> {
    await s.saving;
    const text = await readIfExists(s.file).catch(() => null);
    if (text === null || sha256(text) === s.diskHash || s.diskChanged) return;
    s.diskChanged = true;
    this.log(`${s.handle} was changed on disk by another program`);
    this.announce(s);
  }

  private announce(s: Session): void {
    s.announcedDirty = s.model.dirty;
    s.model.announce({ kind: 'state', state: this.state(s) });
  }

  private scheduleAutosave(s: Session): void {
    const seconds = this.options.autosaveSeconds();
    if (seconds <= 0 || s.autosave || s.notice) return;
    s.autosave = setTimeout(() => {
      s.autosave = undefined;
      if (!s.model.dirty || s.diskChanged || !this.sessions.has(s.handle)) return;
      this.save(s.handle).catch((err) => this.log(`autosave of ${s.handle} failed: ${(err as Error).message}`));
    }, seconds * 1000);
    s.autosave.unref();
  }

  private session(handle: string): Session {
    const s = this.sessions.get(handle);
    if (!s) throw new ApiError('E_NOT_OPEN', `Notebook "${handle}" is not open; open it first`);
    return s;
  }

  /** The model of an open notebook, for the kernel side (running cells) and tests. */
  model(handle: string): NotebookModel {
    return this.session(handle).model;
  }

  private state(s: Session): NotebookState {
    return { handle: s.handle, dirty: s.model.dirty, readOnly: s.notice !== null, diskChanged: s.diskChanged, savedAt: s.savedAt, saveError: s.saveError };
  }

  private document(s: Session): NotebookDocument {
    return {
      ...this.state(s),
      path: s.handle,
      title: s.title,
      notice: s.notice,
      trusted: s.trusted,
      version: s.model.version,
      cells: s.model.cells(),
      runs: Object.fromEntries(s.model.runs),
      kernel: s.runner.kernelInfo,
      metadata: s.model.metadata,
    };
  }

  async get(handle: string): Promise<NotebookDocument> {
    return this.document(this.session(handle));
  }

  async edit(handle: string, edits: NotebookEdit[], origin: string): Promise<NotebookState> {
    const s = this.session(handle);
    if (s.notice) throw new ApiError('E_READ_ONLY', `Notebook "${handle}" is read-only: ${s.notice}`);
    s.model.applyEdits(edits, origin);
    this.activity(handle, 'edit');
    return this.state(s);
  }

  save(handle: string, options: { overwrite?: boolean } = {}): Promise<NotebookState> {
    const s = this.session(handle);
    const run = s.saving.then(() => this.write(s, options.overwrite ?? false));
    s.saving = run.catch(() => {});
    return run;
  }

  private async write(s: Session, overwrite: boolean): Promise<NotebookState> {
    if (s.notice) throw new ApiError('E_READ_ONLY', `Notebook "${s.handle}" is read-only and cannot be saved: ${s.notice}`);
    const onDisk = await readIfExists(s.file);
    if (onDisk !== null && sha256(onDisk) !== s.diskHash && !overwrite) {
      s.diskChanged = true;
      this.announce(s);
      throw new ApiError(
        'E_DISK_CHANGED',
        `"${s.handle}" was changed on disk by another program since it was opened here. Nothing was written: reload it to see that version, or save with overwrite to replace it.`,
      );
    }
    const nb = s.model.notebook;
    if (s.model.dirty && nb.metadata.kernelspec === undefined) Object.assign(nb.metadata, structuredClone(TYPESCRIPT_METADATA));
    const text = serializeIpynb(nb);
    const version = s.model.version;
    try {
      await writeFileAtomic(s.file, text);
    } catch (err) {
      s.saveError = `Could not save "${s.handle}": ${(err as Error).message}`;
      this.announce(s);
      throw new ApiError('E_SAVE_FAILED', `${s.saveError}. Your edits are still open here; free space or fix permissions, then save again.`);
    }
    s.diskHash = sha256(text);
    s.diskChanged = false;
    s.saveError = null;
    s.savedAt = Date.now();
    // edits that arrived while writing stay dirty and are saved next time
    if (s.model.version === version) s.model.markSaved();
    this.announce(s);
    return this.state(s);
  }

  async revert(handle: string): Promise<NotebookDocument> {
    const s = this.session(handle);
    await s.saving;
    const text = await readIfExists(s.file);
    if (text === null) throw new ApiError('E_NO_NOTEBOOK', `Cannot reload "${handle}": the file no longer exists. Save to write it again.`);
    const nb = parseIpynb(text, handle, newCellId);
    s.model.onChange(() => {});
    // versions keep increasing across a reload so clients can order events
    s.model = new NotebookModel(nb, newCellId, s.model.version);
    s.diskHash = sha256(text);
    s.diskChanged = false;
    s.saveError = null;
    this.attach(s);
    s.model.announce({ kind: 'reloaded', document: this.document(s) });
    return this.document(s);
  }

  async run(handle: string, cellIds: string[]): Promise<void> {
    const s = this.session(handle);
    if (s.notice) throw new ApiError('E_READ_ONLY', `Notebook "${handle}" cannot run: ${s.notice}`);
    this.activity(handle, 'run');
    await s.runner.run(cellIds);
  }

  async interrupt(handle: string): Promise<void> {
    await this.session(handle).runner.interrupt();
  }

  async restart(handle: string, options: { runAll?: boolean } = {}): Promise<void> {
    const s = this.session(handle);
    await s.runner.restart();
    if (options.runAll) await s.runner.run(s.model.cells().filter((c) => c.type === 'code').map((c) => c.id));
  }

  async variables(handle: string): Promise<NotebookVariable[]> {
    return this.session(handle).runner.variables();
  }

  async close(handle: string, options: { discard?: boolean } = {}): Promise<void> {
    const s = this.sessions.get(handle);
    if (!s) return;
    if (s.model.dirty && !options.discard)
      throw new ApiError('E_UNSAVED', `Notebook "${handle}" has unsaved changes; save it first, or close with discard to drop them`);
    this.activity(handle, 'close');
    this.drop(s);
  }

  private activity(handle: string, action: 'open' | 'edit' | 'run' | 'close'): void {
    try {
      this.options.onActivity?.(handle, action);
    } catch (err) {
      this.log(`could not record ${action} of ${handle}: ${(err as Error).message}`); // never in the attendee's way
    }
  }

  private drop(s: Session): Promise<void> {
    clearTimeout(s.autosave);
    const done = s.runner.dispose().catch((err) => this.log(`closing the kernel of ${s.handle} failed: ${(err as Error).message}`));
    s.watcher?.close();
    this.sessions.delete(s.handle);
    return done;
  }

  /** Saves what autosave would have saved, then ends every session. */
  async dispose(): Promise<void> {
    for (const s of [...this.sessions.values()]) {
      if (s.model.dirty && !s.notice && !s.diskChanged && this.options.autosaveSeconds() > 0) {
        await this.save(s.handle).catch((err) => this.log(`final save of ${s.handle} failed: ${(err as Error).message}`));
      }
      await this.drop(s);
    }
  }
}
