/**
 * The main side of `lab.request(method, ...args)` in cells: services register handlers by method
 * name (the store registers 'datasets.read', 'queues.next', ...), the kernel session routes each
 * lab_request here and sends the result or the error back to the cell.
 */
import type { Disposable } from '../api/common';

export interface LabRequestContext {
  kernelId: string;
  /** The notebook whose kernel asked. */
  notebook: string;
}

export type LabRequestHandler = (args: unknown[], context: LabRequestContext) => unknown;

export class LabRequestRouter {
  private readonly handlers = new Map<string, LabRequestHandler>();

  /** Handles `method` from now on; the returned Disposable removes the handler. */
  register(method: string, handler: LabRequestHandler): Disposable {
    if (this.handlers.has(method)) throw new Error(`A handler for lab request "${method}" is already registered`);
    this.handlers.set(method, handler);
    return { dispose: () => void (this.handlers.get(method) === handler && this.handlers.delete(method)) };
  }

  async handle(method: string, args: unknown[], context: LabRequestContext): Promise<unknown> {
    const handler = this.handlers.get(method);
    if (!handler) {
      const known = [...this.handlers.keys()].sort();
      throw new Error(`lab.request("${method}") is not something this app can answer. Known requests: ${known.length ? known.join(', ') : 'none yet'}.`);
    }
    return handler(args, context);
  }
}
