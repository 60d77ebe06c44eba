/**
 * Insertions and replacements on a source text that remember where every output position came
 * from, so an error position in the rewritten cell can be traced back to the text it was made of.
 * (A tiny magic-string: we need only the reverse position lookup, not a full source map.)
 */
interface Edit {
  start: number;
  end: number;
  text: string;
  /** Order among edits at the same position: lower first (openers of outer nodes, closers of inner ones). */
  order: number;
  seq: number;
}

export class SourceEdits {
  private readonly edits: Edit[] = [];

  constructor(readonly original: string) {}

  insert(pos: number, text: string, order = 0): void {
    this.edits.push({ start: pos, end: pos, text, order, seq: this.edits.length });
  }

  replace(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text, order: 0, seq: this.edits.length });
  }

  /** The edited text, and a function from an offset in it to the offset in the original it came from. */
  apply(): { text: string; toOriginal: (offset: number) => number } {
    const edits = [...this.edits].sort((a, b) => a.start - b.start || a.order - b.order || a.seq - b.seq);
    // segments of copied original text: [outStart, inStart, length]
    const segments: [number, number, number][] = [];
    const parts: string[] = [];
    let out = 0;
    let cursor = 0;
    const copy = (to: number) => {
      if (to > cursor) {
        segments.push([out, cursor, to - cursor]);
        parts.push(this.original.slice(cursor, to));
        out += to - cursor;
        cursor = to;
      }
    };
    for (const e of edits) {
      if (e.start < cursor) throw new Error(`overlapping source edits at offset ${e.start}`);
      copy(e.start);
      // inserted text maps to where it was inserted
      segments.push([out, e.start, 0]);
      parts.push(e.text);
      out += e.text.length;
      cursor = Math.max(cursor, e.end);
    }
    copy(this.original.length);
    const text = parts.join('');
    const toOriginal = (offset: number): number => {
      let lo = 0;
      let hi = segments.length - 1;
      let best = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (segments[mid][0] <= offset) {
          best = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const seg = segments[best];
      if (!seg) return 0;
      return seg[1] + Math.min(offset - seg[0], seg[2]);
    };
    return { text, toOriginal };
  }
}

/** Offsets of the start of each line of `text`. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 0-based line and column of an offset, given lineStarts(). */
export function offsetToLineColumn(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - starts[lo] };
}
