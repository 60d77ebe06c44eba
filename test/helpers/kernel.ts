/** A real kernel process (out/main/kernel.js, built by `npm test`) and a way to run cells in it. */
import { KernelManager, type KernelManagerOptions } from '../../main/kernels';
import type { KernelSession } from '../../main/kernels';
import type { ExecuteReplyContent } from '../../kernels/protocol';
import type { KernelStatus, KernelOutput } from '../../main/api/kernels';

export interface CellRun {
  reply: ExecuteReplyContent;
  outputs: KernelOutput[];
  /** stdout and stderr text, in order, as `name:text` pieces. */
  streams: string[];
}

export interface TestKernel {
  manager: KernelManager;
  session: KernelSession;
  info: KernelStatus;
  statuses: KernelStatus[];
  run(code: string): Promise<CellRun>;
  /** Starts a cell and returns its msgId and completion without waiting. */
  start(code: string): { msgId: string; done: Promise<CellRun> };
  dispose(): Promise<void>;
}

export async function startTestKernel(options: KernelManagerOptions & { notebook?: string } = {}): Promise<TestKernel> {
  const manager = new KernelManager({ backend: () => process.env.MLSYS_LAB_TEST_BACKEND ?? 'auto', log: () => {}, ...options });
  const outputs = new Map<string, KernelOutput[]>();
  const statuses: KernelStatus[] = [];
  manager.onOutput((e) => {
    if (!e.msgId) return;
    let list = outputs.get(e.msgId);
    if (!list) outputs.set(e.msgId, (list = []));
    list.push(e.output);
  });
  manager.onStatus((s) => statuses.push(s));
  const info = await manager.start({ notebook: options.notebook ?? `test-${Math.random()}` });
  const session = manager.session(info.kernelId);
  const start = (code: string) => {
    const h = session.execute(code);
    const done = h.done.then((reply) => {
      const outs = outputs.get(h.msgId) ?? [];
      outputs.delete(h.msgId);
      const streams = outs.flatMap((o) => (o.output_type === 'stream' ? [`${o.name}:${o.text}`] : []));
      return { reply, outputs: outs, streams };
    });
    return { msgId: h.msgId, done };
  };
  return {
    manager,
    session,
    info,
    statuses,
    start,
    run: (code) => start(code).done,
    dispose: () => manager.dispose(),
  };
}

/** The text/plain of the cell's execute_result, or undefined. */
export function resultText(run: CellRun): string | undefined {
  const r = run.outputs.find((o) => o.output_type === 'execute_result');
  return r && r.output_type === 'execute_result' ? String(r.data['text/plain']) : undefined;
}
