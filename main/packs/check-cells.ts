/**
 * Counts a notebook's check cells: code cells tagged `check` (nbformat `metadata.tags`), which
 * assert results with `lab.check(name, condition, detail)`. This is a lab's "checks total" before
 * any has run; a notebook that cannot be read counts zero rather than hiding the whole lab.
 */
export const CHECK_TAG = 'check';

export function countCheckCells(ipynbText: string): number {
  let nb: unknown;
  try {
    nb = JSON.parse(ipynbText);
  } catch {
    return 0;
  }
  const cells = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) return 0;
  return cells.filter((c: { cell_type?: unknown; metadata?: { tags?: unknown } }) => c?.cell_type === 'code' && Array.isArray(c.metadata?.tags) && c.metadata.tags.includes(CHECK_TAG)).length;
}
