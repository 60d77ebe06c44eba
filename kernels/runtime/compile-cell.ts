/**
 * Turns a cell's TypeScript into a script the kernel can run with Jupyter's semantics:
 *
 * - esbuild strips the types (fast, no type checking: a cell runs even with type errors, as in
 *   tslab and Deno) and keeps every import (`verbatimModuleSyntax`), because an import in one
 *   cell is meant for the cells after it;
 * - the whole cell runs inside an async function, so top-level `await` works;
 * - every top-level declaration (const, let, var, destructuring, function, class, enum, import)
 *   becomes a global of the kernel, declared with `var` outside the function, so later cells see
 *   it and re-running `const x = ...` just assigns again;
 * - the last expression statement becomes the function's return value (the execute_result);
 * - `import(...)` loads through the kernel too (a vm script has no module loader of its own);
 * - every `await` is wrapped in a checkpoint that throws when an interrupt happened while it
 *   waited, so an async loop stops at its next await instead of running on in the background.
 *
 * Positions in the script map back to the cell's TypeScript through our edit list and then
 * esbuild's source map, so errors name the line and column the user wrote.
 */
import { SourceMap } from 'node:module';
import { parse, type Node } from 'acorn';
import { transform, type Message as EsbuildMessage } from 'esbuild';
import { SourceEdits, lineStarts, offsetToLineColumn } from './source-edits';

/** The name of the kernel's runtime object inside compiled cells (a non-enumerable global). */
export const RUNTIME = '__mlsysLab$';

export interface CompiledCell {
  /** The script to run with vm.runInThisContext; it evaluates to a Promise of `{ value }` or undefined. */
  script: string;
  filename: string;
  /** The cell's TypeScript, for error excerpts. */
  source: string;
  /** Top-level names the cell declares. */
  declared: string[];
  /** 1-based line/column in `script` -> 1-based line/column in the cell's TypeScript. */
  toSource(line: number, column: number): { line: number; column: number } | undefined;
}

/** A cell that does not parse: the position is in the cell's own source, 1-based. */
export class CellSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'SyntaxError';
  }
}

type AnyNode = Node & Record<string, unknown>;

function patternNames(node: AnyNode | null, out: string[]): void {
  if (!node) return;
  switch (node.type) {
    case 'Identifier':
      out.push(node.name as string);
      break;
    case 'ObjectPattern':
      for (const p of node.properties as AnyNode[]) patternNames((p.type === 'RestElement' ? p.argument : p.value) as AnyNode, out);
      break;
    case 'ArrayPattern':
      for (const e of node.elements as (AnyNode | null)[]) patternNames(e, out);
      break;
    case 'RestElement':
      patternNames(node.argument as AnyNode, out);
      break;
    case 'AssignmentPattern':
      patternNames(node.left as AnyNode, out);
      break;
  }
}

/** Calls `visit` for every node, with how many awaits enclose it. */
function walkNodes(node: unknown, visit: (n: AnyNode, awaitDepth: number) => void, depth = 0): void {
  if (Array.isArray(node)) {
    for (const n of node) walkNodes(n, visit, depth);
    return;
  }
  if (typeof node !== 'object' || node === null || typeof (node as AnyNode).type !== 'string') return;
  const n = node as AnyNode;
  visit(n, depth);
  const d = n.type === 'AwaitExpression' ? depth + 1 : depth;
  for (const key in n) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    const child = n[key];
    if (typeof child === 'object' && child !== null) walkNodes(child, visit, d);
  }
}

function importReplacement(node: AnyNode, declared: string[]): string {
  const spec = JSON.stringify((node.source as AnyNode).value);
  const specifiers = node.specifiers as AnyNode[];
  if (specifiers.length === 0) return `await ${RUNTIME}.import(${spec});`;
  const parts = [`const __m = await ${RUNTIME}.import(${spec});`];
  for (const s of specifiers) {
    const local = (s.local as AnyNode).name as string;
    declared.push(local);
    if (s.type === 'ImportNamespaceSpecifier') parts.push(`${local} = __m;`);
    else if (s.type === 'ImportDefaultSpecifier') parts.push(`${local} = ${RUNTIME}.defaultOf(__m);`);
    else {
      const imported = s.imported as AnyNode;
      const name = imported.type === 'Identifier' ? (imported.name as string) : String(imported.value);
      parts.push(`${local} = ${RUNTIME}.named(__m, ${JSON.stringify(name)});`);
    }
  }
  return `{ ${parts.join(' ')} }`;
}

let cellCounter = 0;

/** Cells run again as they were (re-running a cell, run-all) skip esbuild and the parser. */
const cache = new Map<string, CompiledCell>();
const CACHE_SIZE = 200;

export async function compileCell(source: string): Promise<CompiledCell> {
  const hit = cache.get(source);
  if (hit) {
    // most recently used last, so the oldest entry is the first one evicted
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  const cell = await compile(source, `cell${++cellCounter}.ts`);
  cache.set(source, cell);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return cell;
}

async function compile(source: string, filename: string): Promise<CompiledCell> {
  let js: string;
  let map: string;
  try {
    const r = await transform(source, {
      loader: 'ts',
      sourcemap: 'external',
      sourcefile: filename,
      target: 'esnext',
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, experimentalDecorators: false } },
    });
    js = r.code;
    map = r.map;
  } catch (err) {
    const first = (err as { errors?: EsbuildMessage[] }).errors?.[0];
    if (!first) throw err;
    throw new CellSyntaxError(first.text, first.location?.line ?? 1, (first.location?.column ?? 0) + 1);
  }

  const sourceMap = new SourceMap(JSON.parse(map));
  const jsLines = lineStarts(js);
  const jsToSource = (offset: number) => {
    const { line, column } = offsetToLineColumn(jsLines, offset);
    const entry = sourceMap.findEntry(line, column) as { originalLine?: number; originalColumn?: number };
    if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    // findEntry gives the mapping at or before the position: add the distance from it on the same line
    const gen = entry as unknown as { generatedLine: number; generatedColumn: number };
    const delta = gen.generatedLine === line ? column - gen.generatedColumn : 0;
    return { line: entry.originalLine + 1, column: entry.originalColumn + 1 + Math.max(0, delta) };
  };

  let program: AnyNode;
  try {
    program = parse(js, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true }) as unknown as AnyNode;
  } catch (err) {
    const pos = (err as { pos?: number }).pos ?? 0;
    const at = jsToSource(pos) ?? { line: 1, column: 1 };
    throw new CellSyntaxError((err as Error).message.replace(/ \(\d+:\d+\)$/, ''), at.line, at.column);
  }

  const edits = new SourceEdits(js);
  const declared: string[] = [];
  const hoistedFunctions: string[] = [];
  const body = program.body as AnyNode[];

  for (let i = 0; i < body.length; i++) {
    let stmt = body[i];
    if (stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration') {
      // a cell is not a module: `export` is dropped and the declaration kept
      const decl = stmt.declaration as AnyNode | null;
      if (!decl) {
        edits.replace(stmt.start, stmt.end, '');
        continue;
      }
      edits.replace(stmt.start, decl.start, '');
      stmt = decl;
    } else if (stmt.type === 'ExportAllDeclaration') {
      edits.replace(stmt.start, stmt.end, '');
      continue;
    }
    switch (stmt.type) {
      case 'ImportDeclaration':
        edits.replace(stmt.start, stmt.end, importReplacement(stmt, declared));
        break;
      case 'VariableDeclaration': {
        const decls = stmt.declarations as AnyNode[];
        const kind = stmt.kind as string;
        edits.replace(stmt.start, decls[0].start, '(');
        for (const d of decls) {
          patternNames(d.id as AnyNode, declared);
          if (!d.init && kind !== 'var') edits.insert(d.end, ' = void 0');
        }
        edits.insert(decls[decls.length - 1].end, ')', 2);
        break;
      }
      case 'FunctionDeclaration': {
        const name = (stmt.id as AnyNode).name as string;
        declared.push(name);
        hoistedFunctions.push(name);
        break;
      }
      case 'ClassDeclaration': {
        const name = (stmt.id as AnyNode).name as string;
        declared.push(name);
        edits.insert(stmt.start, `${name} = `);
        edits.insert(stmt.end, ';', 2);
        break;
      }
      case 'ExpressionStatement':
        if (i === body.length - 1) {
          // the statement, not the expression: acorn drops parentheses, so `({ a: 1 })` starts at `{`
          const end = js[stmt.end - 1] === ';' ? stmt.end - 1 : stmt.end;
          edits.insert(stmt.start, 'return { value: (', -1);
          edits.insert(end, ') }', 3);
        }
        break;
    }
  }
  walkNodes(program, (n, depth) => {
    if (n.type === 'AwaitExpression') {
      // the epoch is read before the await suspends and compared when it resumes
      edits.insert(n.start, `${RUNTIME}.checkpoint(${RUNTIME}.epoch, `, depth + 1);
      edits.insert(n.end, ')', 1 - depth);
    } else if (n.type === 'ImportExpression') {
      // import() in a vm script has no module loader behind it (Node throws "A dynamic import
      // callback was not specified"): it gets the modules an import declaration gets
      edits.replace(n.start, n.start + 'import'.length, `${RUNTIME}.import`);
    }
  });

  const { text: bodyText, toOriginal } = edits.apply();
  const unique = [...new Set(declared)];
  const hoist = unique.length ? `var ${unique.join(', ')}; ` : '';
  const publish = hoistedFunctions.map((f) => `globalThis[${JSON.stringify(f)}] = ${f}; `).join('');
  const prefix = `${hoist}(async function () { "use strict"; ${publish}`;
  // one line of prefix with no newline, so script line N is body line N (column shifted on line 1)
  const script = `${prefix}${bodyText}\n})()\n//# sourceURL=${filename}`;
  const scriptLines = lineStarts(script);

  return {
    script,
    filename,
    source,
    declared: unique,
    toSource(line, column) {
      const start = scriptLines[line - 1];
      if (start === undefined) return undefined;
      const offset = start + column - 1 - prefix.length;
      if (offset < 0 || offset > bodyText.length) return undefined;
      return jsToSource(toOriginal(offset));
    },
  };
}
