/**
 * What a lab's checks are, in one place. A check is one `lab.check(name, condition, detail)` call
 * written in a code cell tagged `check` (nbformat `metadata.tags`). A lab's checks total is the
 * number of such calls in its notebooks, counted from the source before anything runs; the app
 * records their results by name as cells run, and `pack check` (hence `npm run labs:check`) fails
 * a pack whose run does not report exactly those checks, once each, with distinct names, so the
 * library, the CLI and a hand-in always count the same checks (docs: README "Lab packs").
 */
import { tokenizer } from 'acorn';

export const CHECK_TAG = 'check';

interface CellLike {
  cell_type?: unknown;
  source?: unknown;
  metadata?: { tags?: unknown };
}

/** Whether an nbformat cell is a check cell: a code cell tagged `check`. */
export function isCheckCell(cell: CellLike | null | undefined): boolean {
  return cell?.cell_type === 'code' && Array.isArray(cell.metadata?.tags) && cell.metadata.tags.includes(CHECK_TAG);
}

/**
 * The `lab.check(` calls in a cell's source, comments and strings left out, each with its name
 * where the source spells it out (a string literal, or a template without `${}`), else null.
 * Cells are TypeScript; acorn's tokenizer reads the tokens of TypeScript's expression syntax well
 * enough, and where it stops (a decorator, say) the calls are counted in the source with comments
 * stripped, without names.
 */
export function checkCalls(source: string): (string | null)[] {
  try {
    const tokens: { label: string; value: unknown }[] = [];
    for (const token of tokenizer(source, { ecmaVersion: 'latest', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, allowHashBang: true })) {
      tokens.push({ label: token.type.label, value: (token as { value?: unknown }).value });
    }
    const calls: (string | null)[] = [];
    for (let i = 0; i + 3 < tokens.length; i++) {
      const [a, dot, b, paren] = tokens.slice(i, i + 4);
      if (a.label !== 'name' || a.value !== 'lab' || dot.label !== '.' || b.label !== 'name' || b.value !== 'check' || paren.label !== '(') continue;
      const [t1, t2, t3] = tokens.slice(i + 4, i + 7);
      if (t1?.label === 'string') calls.push(String(t1.value));
      else if (t1?.label === '`' && t2?.label === 'template' && t3?.label === '`') calls.push(String(t2.value));
      else calls.push(null);
    }
    return calls;
  } catch {
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    return (code.match(/\blab\s*\.\s*check\s*\(/g) ?? []).map(() => null);
  }
}

export function countCheckCalls(source: string): number {
  return checkCalls(source).length;
}

/** The source of an nbformat cell as one string. */
export function cellSource(cell: CellLike): string {
  return Array.isArray(cell.source) ? cell.source.join('') : typeof cell.source === 'string' ? cell.source : '';
}

/** A notebook's checks: the `lab.check` calls of its check cells, by name where the source gives it. A notebook that cannot be read has none rather than hiding the whole lab. */
export function notebookChecks(ipynbText: string): (string | null)[] {
  let nb: unknown;
  try {
    nb = JSON.parse(ipynbText);
  } catch {
    return [];
  }
  const cells = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) return [];
  return (cells as CellLike[]).filter(isCheckCell).flatMap((c) => checkCalls(cellSource(c)));
}

/** A notebook's checks total. */
export function countChecks(ipynbText: string): number {
  return notebookChecks(ipynbText).length;
}
