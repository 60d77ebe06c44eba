/**
 * Monaco, bundled with the app and its workers (no CDN loader), loaded the first time a notebook
 * needs an editor. TypeScript is set up for notebook cells: each cell is a script file of one
 * program, so names declared in earlier cells are known in later ones (the kernel runs cells in
 * one global scope); re-declaring a name in a later cell and top-level await are normal in a
 * notebook, so those diagnostics are switched off. TensorFlow.js and Node types come from the build.
 */
import type * as Monaco from 'monaco-editor';
import { registerCellCompletions } from './ts-completions';

export type MonacoApi = typeof Monaco;

/** Errors TypeScript reports that are normal in notebook cells. */
const NOTEBOOK_NORMAL = [
  2451, // Cannot redeclare block-scoped variable (re-running or re-declaring in a later cell)
  2300, // Duplicate identifier
  2393, // Duplicate function implementation
  1375, // 'await' expressions are only allowed at the top level of a file when that file is a module
  1378, // Top-level 'await' expressions are only allowed when the 'module' option is ...
  1108, // A 'return' statement can only be used within a function body (the last expression is the result)
  2792, // Cannot find module (cells may import what the kernel provides)
];

/** Globals that every cell sees; the kernel's `lab` API adds its own declarations through addCellTypes. */
const TF_GLOBAL = `declare const tf: typeof import('@tensorflow/tfjs');\n`;

/** Stand-ins for Node's globals until @types/node has loaded with the other big declarations. */
const CELL_GLOBALS = `${TF_GLOBAL}declare const console: { log(...data: unknown[]): void; error(...data: unknown[]): void; warn(...data: unknown[]): void; info(...data: unknown[]): void; debug(...data: unknown[]): void; table(data: unknown): void; time(label?: string): void; timeEnd(label?: string): void };
declare function setTimeout(handler: (...args: unknown[]) => void, ms?: number): unknown;
declare function clearTimeout(id: unknown): void;
declare function setInterval(handler: (...args: unknown[]) => void, ms?: number): unknown;
declare function clearInterval(id: unknown): void;
declare const performance: { now(): number };
`;

let loading: Promise<MonacoApi> | undefined;

export function loadMonaco(): Promise<MonacoApi> {
  return (loading ??= (async () => {
    const [{ default: EditorWorker }, { default: TsWorker }] = await Promise.all([
      import('monaco-editor/editor/editor.worker?worker'),
      import('monaco-editor/language/typescript/ts.worker?worker'),
    ]);
    (self as unknown as { MonacoEnvironment: Monaco.Environment }).MonacoEnvironment = {
      getWorker: (_id: string, label: string) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
    };
    const monaco = (await import('./monaco-entry')) as unknown as MonacoApi;
    const ts = monaco.typescript;
    ts.typescriptDefaults.setCompilerOptions({
      target: ts.ScriptTarget.ES2020,
      lib: ['es2022'],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.NodeJs,
      allowNonTsExtensions: true,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    // only cells that have an editor are checked: opening a 40-cell lab otherwise queued ~120
    // diagnostics requests at once, and completions waited behind them (seconds, on two cores)
    ts.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false, onlyVisible: true, diagnosticCodesToIgnore: NOTEBOOK_NORMAL });
    ts.typescriptDefaults.setEagerModelSync(true);
    registerCellCompletions(monaco);
    const standIns = addCellTypes(monaco, 'file:///mlsys-lab/cell-globals.d.ts', CELL_GLOBALS);
    await warmUp(monaco);
    // the TensorFlow.js and Node declarations are big (~4 MB): load them after the editor is usable
    void import('virtual:tfjs-types').then(({ default: files }) => {
      for (const [path, text] of Object.entries(files)) ts.typescriptDefaults.addExtraLib(text, `file:///${path}`);
      // Node's declarations now describe console, timers and performance
      standIns.dispose();
      addCellTypes(monaco, 'file:///mlsys-lab/cell-globals.d.ts', TF_GLOBAL);
    });
    return monaco;
  })());
}

/**
 * The first editor costs most (Monaco's services, the TypeScript tokenizer and language features,
 * the worker): pay that once, off screen, while the app is idle, not when a notebook opens.
 */
async function warmUp(monaco: MonacoApi): Promise<void> {
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:-10000px;top:0;width:300px;height:60px;visibility:hidden';
  document.body.append(host);
  const model = monaco.editor.createModel('const warm: number = 1;\n', 'typescript', monaco.Uri.parse('file:///mlsys-lab/warm-up.ts'));
  const editor = monaco.editor.create(host, { model, minimap: { enabled: false }, lineNumbers: 'off', fontSize: 13, lineHeight: 19 });
  await new Promise((r) => setTimeout(r, 50));
  editor.dispose();
  model.dispose();
  host.remove();
}

/** Declarations every cell sees (the kernel's `lab` API, for one). */
export function addCellTypes(monaco: MonacoApi, uri: string, declarations: string): Monaco.IDisposable {
  return monaco.typescript.typescriptDefaults.addExtraLib(declarations, uri);
}
