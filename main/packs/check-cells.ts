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
 * The `lab.check(` calls in a cell's source, comments and strings left out. Cells are TypeScript;
 * acorn's tokenizer reads the tokens of TypeScript's expression syntax well enough, and where it
 * stops (a decorator, say) the calls are counted in the source with comments stripped.
 */
export function countCheckCalls(source: string): number {
  try {
    const names: string[] = [];
    let count = 0;
    for (const token of tokenizer(source, { ecmaVersion: 'latest', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, allowHashBang: true })) {
      const label = token.type.label;
      const text = label === 'name' ? String((token as { value?: unknown }).value) : label;
      names.push(text);
      if (names.length > 4) names.shift();
      if (names.length === 4 && names[0] === 'lab' && names[1] === '.' && names[2] === 'check' && names[3] === '(') count++;
    }
    return count;
  } catch {
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    return (code.match(/\blab\s*\.\s*check\s*\(/g) ?? []).length;
  }
}

/** The source of an nbformat cell as one string. */
export function cellSource(cell: CellLike): string {
  return Array.isArray(cell.source) ? cell.source.join('') : typeof cell.source === 'string' ? cell.source : '';
}

/** A notebook's checks total: the `lab.check` calls of its check cells. A notebook that cannot be read counts zero rather than hiding the whole lab. */
export function countChecks(ipynbText: string): number {
  let nb: unknown;
  try {
    nb = JSON.parse(ipynbText);
  } catch {
    return 0;
  }
  const cells = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) return 0;
  return (cells as CellLike[]).filter(isCheckCell).reduce((n, c) => n + countCheckCalls(cellSource(c)), 0);
}
