/**
 * The variable inspector and name completion: both look at the kernel's top-level names (those
 * the cells declared, tracked by the kernel) and, for completion, at globals and properties.
 */
import type { CompleteReplyContent, VariableInfo } from '../protocol';
import { isTensor, plainText, tensorBytes } from './rich-display';

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (isTensor(v)) return (v as { trainable?: unknown }).trainable !== undefined && 'assign' in (v as object) ? 'Variable' : 'Tensor';
  if (Array.isArray(v)) return 'Array';
  if (typeof v === 'function') return /^class[\s{]/.test(Function.prototype.toString.call(v)) ? 'class' : 'function';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'Object';
  return typeof v;
}

function summarize(v: unknown): string {
  let s: string;
  try {
    if (isTensor(v)) s = v.isDisposed ? '(disposed)' : `${v.dtype}[${v.shape.join(', ')}]`;
    else if (typeof v === 'function') s = `${typeName(v)} ${(v as { name?: string }).name || '(anonymous)'}`;
    else s = plainText(v).replace(/\s+/g, ' ');
  } catch (err) {
    s = `<cannot show: ${(err as Error).message}>`;
  }
  return s.length > 120 ? s.slice(0, 119) + '…' : s;
}

export function describeVariable(name: string, v: unknown): VariableInfo {
  const info: VariableInfo = { name, type: typeName(v), summary: summarize(v) };
  if (isTensor(v)) {
    info.shape = [...v.shape];
    info.dtype = v.dtype;
    info.bytes = v.isDisposed ? 0 : tensorBytes(v);
  } else if (Array.isArray(v) || typeof v === 'string') info.length = v.length;
  else if (ArrayBuffer.isView(v)) {
    info.length = (v as unknown as ArrayLike<unknown>).length;
    info.bytes = v.byteLength;
  } else if (v instanceof Map || v instanceof Set) info.length = v.size;
  return info;
}

export function inspectVariables(names: Iterable<string>): VariableInfo[] {
  const g = globalThis as Record<string, unknown>;
  return [...names].sort().map((n) => describeVariable(n, g[n]));
}

const KEYWORDS = 'await async break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof interface let new null return static super switch this throw true try type typeof undefined var void while with yield'.split(' ');

function propertyNames(obj: unknown): string[] {
  const names = new Set<string>();
  let o: unknown = obj;
  if (typeof o !== 'object' && typeof o !== 'function') o = o === null || o === undefined ? undefined : Object(o);
  for (let depth = 0; o && o !== Object.prototype && depth < 10; depth++) {
    for (const k of Object.getOwnPropertyNames(o)) if (/^[A-Za-z_$][\w$]*$/.test(k) && k !== 'constructor') names.add(k);
    o = Object.getPrototypeOf(o);
  }
  return [...names];
}

/**
 * Completes the identifier or member chain before the cursor (`tf.la|` -> tf.layers, ...).
 * Only plain chains of names are followed, so completing never runs the user's calls.
 */
export function complete(code: string, cursor: number, userNames: Iterable<string>): CompleteReplyContent {
  const before = code.slice(0, cursor);
  const m = /((?:[A-Za-z_$][\w$]*\s*\??\.\s*)*)([A-Za-z_$][\w$]*)?$/.exec(before)!;
  const chain = m[1].split(/\s*\??\.\s*/).filter(Boolean);
  const prefix = m[2] ?? '';
  let candidates: string[];
  if (chain.length > 0) {
    let obj: unknown = globalThis as unknown;
    for (const part of chain) {
      try {
        obj = obj === null || obj === undefined ? undefined : (obj as Record<string, unknown>)[part];
      } catch {
        obj = undefined;
      }
    }
    candidates = obj === undefined || obj === null ? [] : propertyNames(obj);
  } else {
    const declaredHere = [...code.matchAll(/\b(?:const|let|var|function|class|enum|interface|type)\s+([A-Za-z_$][\w$]*)/g)].map((x) => x[1]);
    candidates = [...userNames, ...declaredHere, ...Object.getOwnPropertyNames(globalThis).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)), ...KEYWORDS];
  }
  const matches = [...new Set(candidates.filter((c) => c.startsWith(prefix) && !c.startsWith('__')))].sort((a, b) => a.localeCompare(b));
  return { status: 'ok', matches, cursor_start: cursor - prefix.length, cursor_end: cursor };
}
