/**
 * Errors as Jupyter shows them (ename, evalue, traceback lines), with every position inside a
 * cell translated to the line and column of the cell's own TypeScript, and the offending line
 * quoted with a caret under the column.
 */
import type { ErrorContent } from '../protocol';
import { CellSyntaxError, type CompiledCell } from './compile-cell';

const CELL_FRAME = /(cell\d+\.ts):(\d+):(\d+)/g;
const MAX_CELLS = 500;

export class CellRegistry {
  private readonly cells = new Map<string, { cell: CompiledCell; label: string }>();

  add(cell: CompiledCell, label: string): void {
    this.cells.set(cell.filename, { cell, label });
    if (this.cells.size > MAX_CELLS) this.cells.delete(this.cells.keys().next().value!);
  }

  /** Rewrites `cell3.ts:12:5` into `cell [3], line 2, column 7` with the cell's own positions. */
  mapStack(stack: string): { text: string; first?: { cell: CompiledCell; line: number; column: number } } {
    let first: { cell: CompiledCell; line: number; column: number } | undefined;
    const text = stack.replace(CELL_FRAME, (whole, file: string, l: string, c: string) => {
      const entry = this.cells.get(file);
      const pos = entry?.cell.toSource(Number(l), Number(c));
      if (!entry || !pos) return whole;
      first ??= { cell: entry.cell, ...pos };
      return `${entry.label}, line ${pos.line}, column ${pos.column}`;
    });
    return { text, first };
  }
}

function excerpt(source: string, line: number, column: number): string[] {
  const text = source.split('\n')[line - 1];
  if (text === undefined) return [];
  const gutter = `${line} | `;
  return [`${gutter}${text}`, `${' '.repeat(gutter.length + Math.max(0, column - 1))}^`];
}

/** Drops frames of the kernel's own machinery, which say nothing about the user's code. */
function userFrames(lines: string[]): string[] {
  return lines.filter((l) => !/\(?node:|out[\\/]main[\\/]kernel|kernels[\\/]runtime|__mlsysLab\$|cell\d+\.ts:\d+/.test(l));
}

export function errorContent(err: unknown, registry: CellRegistry, label: string, source: string): ErrorContent {
  if (err instanceof CellSyntaxError) {
    return {
      ename: 'SyntaxError',
      evalue: `${err.message} (${label}, line ${err.line}, column ${err.column})`,
      traceback: [`SyntaxError: ${err.message}`, `    at ${label}, line ${err.line}, column ${err.column}`, ...excerpt(source, err.line, err.column)],
    };
  }
  if (!(err instanceof Error)) {
    let shown: string;
    try {
      shown = JSON.stringify(err) ?? String(err);
    } catch {
      shown = String(err);
    }
    return { ename: 'Error', evalue: `Uncaught ${shown}`, traceback: [`Uncaught ${shown}`] };
  }
  const ename = err.name || 'Error';
  const evalue = err.message;
  const { text, first } = registry.mapStack(err.stack ?? `${ename}: ${evalue}`);
  const lines = text.split('\n');
  // the header of a stack can span lines (multi-line messages): keep it, filter only frames
  const frameStart = lines.findIndex((l) => /^\s+at /.test(l));
  const header = frameStart === -1 ? lines : lines.slice(0, frameStart);
  const frames = frameStart === -1 ? [] : userFrames(lines.slice(frameStart));
  const traceback = [...header, ...frames];
  if (first) traceback.push('', ...excerpt(first.cell.source, first.line, first.column));
  return { ename, evalue, traceback };
}
