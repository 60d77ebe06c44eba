/**
 * The part of a long stream output that is drawn. A loop that prints every step can send
 * megabytes; drawing all of it (again at each new chunk) would stall the notebook, and the end is
 * what a person watches, so the last lines are drawn and the rest waits behind "Show all". The
 * notebook keeps the whole text (it is saved in full).
 */
export const STREAM_TAIL_LINES = 2000;
export const STREAM_TAIL_CHARS = 256 * 1024;

export interface StreamTail {
  /** The text to draw: the whole text, or its last lines. */
  shown: string;
  /** How many lines (whole or cut) were left out before `shown`. */
  hiddenLines: number;
}

export function streamTail(text: string, maxLines = STREAM_TAIL_LINES, maxChars = STREAM_TAIL_CHARS): StreamTail {
  // the start of the last maxLines lines (a final newline ends the last line, it starts none)
  let start = 0;
  let from = text.length - (text.endsWith('\n') ? 2 : 1);
  for (let n = 0; n < maxLines; n++) {
    const nl = from < 0 ? -1 : text.lastIndexOf('\n', from);
    if (nl === -1) {
      start = 0;
      break;
    }
    start = nl + 1;
    from = nl - 1;
  }
  if (text.length - start > maxChars) {
    start = text.length - maxChars;
    // from the next whole line, unless the last line alone is over the limit
    const nl = text.indexOf('\n', start);
    if (nl !== -1 && nl < text.length - 1) start = nl + 1;
  }
  if (start === 0) return { shown: text, hiddenLines: 0 };
  let hidden = text[start - 1] === '\n' ? 0 : 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) hidden++;
  return { shown: text.slice(start), hiddenLines: hidden };
}
