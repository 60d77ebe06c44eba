/**
 * TypeScript completions for cells, in place of the provider Monaco's TypeScript support
 * registers. The list itself is the same (the TypeScript worker's getCompletionsAtPosition); what
 * differs is when an item's details (its signature and documentation) are asked for.
 *
 * Monaco resolves the focused suggestion each time the focus moves, and while someone types the
 * list refilters and the focus moves on every key. The worker's getCompletionEntryDetails costs
 * ~50 ms on this project's reference machine (two shared cores), more than the list itself, and
 * the worker shares those cores with the page: measured with the keystroke benchmark, details
 * asked for on every key were a third of the renderer's CPU while typing and the main cause of
 * slow keys. Here details are asked for once the focus has rested on an item for
 * DETAILS_DELAY_MS (a pause in typing); a focus that moves on before that cancels the request
 * and the worker is never asked.
 */
import type * as Monaco from 'monaco-editor';

type MonacoApi = typeof Monaco;

/** How long the focus must rest on a suggestion before its details are fetched. */
export const DETAILS_DELAY_MS = 200;

/** The parts of TypeScript's CompletionEntry (the worker returns TypeScript's own objects) used here. */
interface TsCompletionEntry {
  name: string;
  kind: string;
  kindModifiers?: string;
  sortText: string;
  replacementSpan?: { start: number; length: number };
}

interface TsDisplayPart {
  text: string;
}

/** TypeScript's CompletionEntryDetails, the parts shown. */
interface TsCompletionDetails {
  name: string;
  kind: string;
  displayParts?: TsDisplayPart[];
  documentation?: TsDisplayPart[];
  tags?: { name: string; text?: TsDisplayPart[] | string }[];
}

/** A suggestion remembers where it was asked for, so its details can be asked for at the same place. */
interface CellCompletionItem extends Monaco.languages.CompletionItem {
  uri: Monaco.Uri;
  offset: number;
}

const text = (parts: TsDisplayPart[] | string | undefined): string => (typeof parts === 'string' ? parts : (parts ?? []).map((p) => p.text).join(''));

/**
 * A signature as people read it: `tf` is `typeof import('@tensorflow/tfjs')` in cells, so
 * TypeScript spells every type it names as `import("@tensorflow/tfjs-core").Tensor`.
 */
const readable = (signature: string): string => signature.replace(/import\("[^"]*"\)\./g, '');

/** JSDoc shown under a suggestion: the comment, then each tag as `@name text`. */
function documentation(details: TsCompletionDetails): string {
  const tags = (details.tags ?? []).map((t) => {
    const body = text(t.text);
    return `*@${t.name}*${body ? (body.includes('\n') ? `  \n${body}` : ` — ${body}`) : ''}`;
  });
  return [text(details.documentation), ...tags].filter(Boolean).join('\n\n');
}

/** Monaco's kind (the icon) for a TypeScript ScriptElementKind. */
function completionKind(monaco: MonacoApi, kind: string): Monaco.languages.CompletionItemKind {
  const K = monaco.languages.CompletionItemKind;
  switch (kind) {
    case 'keyword':
    case 'primitive type':
      return K.Keyword;
    case 'var':
    case 'local var':
    case 'let':
    case 'const':
    case 'parameter':
      return K.Variable;
    case 'property':
    case 'getter':
    case 'setter':
      return K.Field;
    case 'function':
    case 'local function':
    case 'method':
    case 'construct':
    case 'call':
    case 'index':
      return K.Function;
    case 'enum':
      return K.Enum;
    case 'module':
      return K.Module;
    case 'class':
      return K.Class;
    case 'interface':
    case 'type':
      return K.Interface;
    case 'type parameter':
      return K.TypeParameter;
    default:
      return K.Property;
  }
}

/** Resolves after `ms`, or with false as soon as `token` is cancelled. */
function rest(ms: number, token: Monaco.CancellationToken): Promise<boolean> {
  if (token.isCancellationRequested) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      sub.dispose();
      resolve(true);
    }, ms);
    const sub = token.onCancellationRequested(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve(false);
    });
  });
}

/**
 * Switches off Monaco's own TypeScript completion provider and registers this one for
 * TypeScript models. Call before the first TypeScript model is created.
 */
export function registerCellCompletions(monaco: MonacoApi): Monaco.IDisposable {
  const ts = monaco.typescript;
  ts.typescriptDefaults.setModeConfiguration({ ...ts.typescriptDefaults.modeConfiguration, completionItems: false });
  const worker = (uri: Monaco.Uri) => ts.getTypeScriptWorker().then((get) => get(uri));
  return monaco.languages.registerCompletionItemProvider('typescript', {
    triggerCharacters: ['.'],
    async provideCompletionItems(model, position) {
      const word = model.getWordUntilPosition(position);
      const wordRange = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const offset = model.getOffsetAt(position);
      const info = (await (await worker(model.uri)).getCompletionsAtPosition(model.uri.toString(), offset)) as { entries: TsCompletionEntry[] } | undefined;
      if (!info || model.isDisposed()) return undefined;
      const suggestions = info.entries.map((entry): CellCompletionItem => {
        let range: Monaco.IRange = wordRange;
        if (entry.replacementSpan) {
          const start = model.getPositionAt(entry.replacementSpan.start);
          const end = model.getPositionAt(entry.replacementSpan.start + entry.replacementSpan.length);
          range = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
        }
        return {
          uri: model.uri,
          offset,
          range,
          label: entry.name,
          insertText: entry.name,
          sortText: entry.sortText,
          kind: completionKind(monaco, entry.kind),
          tags: entry.kindModifiers?.includes('deprecated') ? [monaco.languages.CompletionItemTag.Deprecated] : [],
        };
      });
      return { suggestions };
    },
    async resolveCompletionItem(item, token) {
      const cell = item as CellCompletionItem;
      // a focus that moves on within the delay (the next key) cancels the token: no worker call
      if (!(await rest(DETAILS_DELAY_MS, token))) return item;
      const details = (await (await worker(cell.uri)).getCompletionEntryDetails(cell.uri.toString(), cell.offset, String(item.label))) as TsCompletionDetails | undefined;
      if (!details) return item;
      return { ...item, detail: readable(text(details.displayParts)), documentation: { value: documentation(details) } };
    },
  });
}
