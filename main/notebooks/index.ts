/** The notebooks service: sessions, the model, .ipynb files, and the seam the kernel drives. */
export { NotebookService, type NotebookServiceOptions } from './notebook-service';
export { NotebookModel, NotebookEditError } from './notebook-model';
export { applyKernelEvent, type CellKernelEvent } from './apply-kernel-event';
export { parseIpynb, serializeIpynb, NotebookFormatError } from './ipynb';
export { registerNotebooks } from './register-notebooks';
export type { NotebookKernel, KernelFactory } from './kernel-port';
export { kernelFactory, type KernelManagerPort } from './kernel-adapter';
