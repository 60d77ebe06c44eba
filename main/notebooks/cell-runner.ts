/**
 * Runs a session's cells on its kernel, one at a time, in the order they were asked for. The
 * queue lives in main with the model, so a cell keeps running (and its outputs keep arriving in
 * the model) while no window shows the notebook.
 */
import type { CellRunStats, NotebookKernelStatus, NotebookVariable } from '../api/notebooks';
import { MIME, type CheckResult } from '../../kernels/protocol';
import { ApiError } from '../rpc/errors';
import { applyKernelEvent } from './apply-kernel-event';
import type { KernelFactory, NotebookKernel } from './kernel-port';
import type { NotebookModel } from './notebook-model';

/** One finished cell run, as the runs table keeps it. */
export interface CellRunRecord {
  notebook: string;
  cellId: string;
  stats: CellRunStats;
  /** The cell's nbformat tags (`check` marks a lab's check cells). */
  tags: string[];
  /** What the run's `lab.check(name, condition, detail)` calls reported, in order. */
  checks: CheckResult[];
}

export class CellRunner {
  private kernel: Promise<NotebookKernel> | undefined;
  private queue: string[] = [];
  private running: string | undefined;
  private draining = false;
  /** While the kernel restarts, cells asked for meanwhile wait for the fresh kernel (Jupyter queues them too). */
  private restarting: Promise<void> | undefined;
  private info: NotebookKernelStatus = { state: 'none' };
  private statusSub: { dispose(): void } | undefined;

  constructor(
    private readonly path: string,
    private readonly model: () => NotebookModel,
    private readonly factory: KernelFactory | undefined,
    private readonly onKernel: (info: NotebookKernelStatus) => void,
    private readonly onCellRun?: (run: CellRunRecord) => void,
  ) {}

  get kernelInfo(): NotebookKernelStatus {
    return this.info;
  }

  private setInfo(info: NotebookKernelStatus): void {
    this.info = info;
    this.onKernel(info);
  }

  private start(): Promise<NotebookKernel> {
    if (!this.factory) throw new ApiError('E_NO_KERNEL', 'No kernel is available in this build of mlsys-lab, so cells cannot run; you can still read, edit and save the notebook.');
    if (!this.kernel) {
      this.setInfo({ state: 'starting' });
      this.kernel = this.factory(this.path).then(
        (k) => {
          this.statusSub = k.onStatus((info) => this.setInfo(info));
          return k;
        },
        (err) => {
          this.kernel = undefined;
          this.setInfo({ state: 'dead', message: (err as Error).message });
          throw err;
        },
      );
    }
    return this.kernel;
  }

  async run(cellIds: string[]): Promise<void> {
    const model = this.model();
    for (const id of cellIds) model.cell(id); // refuse unknown ids before queueing any
    await this.start();
    for (const id of cellIds) {
      if (model.cell(id).type !== 'code' || this.queue.includes(id) || this.running === id) continue;
      this.queue.push(id);
      applyKernelEvent(model, id, { msg_type: 'queued' });
    }
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      await this.drainQueue();
    } finally {
      this.draining = false;
    }
  }

  private async drainQueue(): Promise<void> {
    const kernel = await this.start();
    while (this.queue.length) {
      while (this.restarting) await this.restarting;
      if (!this.queue.length) break;
      const id = this.queue.shift()!;
      const model = this.model();
      if (model.indexOf(id) < 0) continue;
      this.running = id;
      let failed = false;
      const checks: CheckResult[] = [];
      const tags = model.cell(id).metadata.tags;
      try {
        await kernel.execute(model.cell(id).source, (event) => {
          if (event.msg_type === 'execute_reply' && event.content.status !== 'ok') failed = true;
          if (event.msg_type === 'display_data') {
            const check = event.content.data[MIME.check] as CheckResult | undefined;
            if (check && typeof check.name === 'string' && typeof check.passed === 'boolean') checks.push(check);
          }
          applyKernelEvent(this.model(), id, event);
        });
      } catch (err) {
        failed = true;
        applyKernelEvent(this.model(), id, { msg_type: 'error', content: { ename: (err as Error).name, evalue: (err as Error).message, traceback: [] } });
        applyKernelEvent(this.model(), id, { msg_type: 'execute_reply', content: { status: 'error', execution_count: null } });
      } finally {
        this.running = undefined;
      }
      const stats = this.model().runs.get(id)?.lastRun;
      if (stats && this.onCellRun) {
        try {
          this.onCellRun({ notebook: this.path, cellId: id, stats, checks, tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [] });
        } catch {
          // recording is best effort: a full or broken database must not stop the notebook
        }
      }
      // like Jupyter, an error stops the cells queued after it; a cell killed by a restart is the
      // exception: restart() dropped the queue already, what is queued now was asked for after it
      if (failed && !this.restarting) this.dropQueue();
    }
  }

  private dropQueue(): void {
    const model = this.model();
    for (const id of this.queue.splice(0)) if (model.indexOf(id) >= 0) model.setRun(id, { ...model.runs.get(id), state: 'idle' });
  }

  async interrupt(): Promise<void> {
    this.dropQueue();
    if (this.kernel) await (await this.kernel).interrupt();
  }

  async restart(): Promise<void> {
    this.dropQueue();
    const kernel = await this.start();
    const restarted = kernel.restart();
    const settled = restarted.then(
      () => undefined,
      () => undefined,
    );
    this.restarting = settled;
    try {
      await restarted;
    } finally {
      if (this.restarting === settled) this.restarting = undefined;
    }
  }

  async variables(): Promise<NotebookVariable[]> {
    if (!this.kernel) return [];
    return (await this.kernel).variables();
  }

  async dispose(): Promise<void> {
    this.queue = [];
    this.statusSub?.dispose();
    if (this.kernel) await (await this.kernel.catch(() => undefined))?.dispose();
  }
}
