/**
 * Which execution is running, and the interrupt epoch.
 *
 * Deliberately not AsyncLocalStorage: it enables async hooks, and Node aborts the process
 * (InternalCallbackScope assertion on the async id stack) when the watchdog terminates a cell
 * while hooks are on. Instead every `await` in cell code records the epoch before it suspends and
 * checks it when it resumes (see compile-cell.ts): an await that spans an interrupt throws, so any
 * async work of cell code that was waiting when the user interrupted stops at its next step.
 */
export interface ExecutionContext {
  /** msg_id of the execute_request. */
  msgId: string;
}

let current: ExecutionContext | undefined;
let last: ExecutionContext | undefined;
let epoch = 0;

/** The running cell, if any. */
export function currentExecution(): ExecutionContext | undefined {
  return current;
}

/** The running cell, else the last one (output from a cell's timers after it finished goes there). */
export function outputOwner(): ExecutionContext | undefined {
  return current ?? last;
}

export function setCurrentExecution(ctx: ExecutionContext | undefined): void {
  current = ctx;
  if (ctx) last = ctx;
}

export function interruptEpoch(): number {
  return epoch;
}

/** Called on interrupt: every await of cell code suspended now throws KeyboardInterrupt when it resumes. */
export function nextInterruptEpoch(): void {
  epoch++;
}

/** Thrown into interrupted cell code at its next await; shown like Python's KeyboardInterrupt. */
export class KernelInterrupt extends Error {
  constructor() {
    super('The cell was interrupted');
    this.name = 'KeyboardInterrupt';
  }
}
