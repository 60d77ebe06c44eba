/**
 * ANSI SGR escape codes (colours, bold, underline) to styled spans, for stream output and
 * tracebacks. Other escape sequences are dropped; text is inserted as text, never as HTML.
 */
const BASIC = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

interface Style {
  fg?: string;
  bg?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}

function color256(n: number): string {
  if (n < 8) return `var(--ansi-${BASIC[n]})`;
  if (n < 16) return `var(--ansi-bright-${BASIC[n - 8]})`;
  if (n < 232) {
    const v = n - 16;
    const c = (x: number) => (x === 0 ? 0 : 55 + x * 40);
    return `rgb(${c(Math.floor(v / 36))}, ${c(Math.floor(v / 6) % 6)}, ${c(v % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g}, ${g}, ${g})`;
}

function apply(style: Style, codes: number[]): Style {
  const s = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) Object.keys(s).forEach((k) => delete s[k as keyof Style]);
    else if (c === 1) s.bold = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = `var(--ansi-${BASIC[c - 30]})`;
    else if (c >= 90 && c <= 97) s.fg = `var(--ansi-bright-${BASIC[c - 90]})`;
    else if (c >= 40 && c <= 47) s.bg = `var(--ansi-${BASIC[c - 40]})`;
    else if (c >= 100 && c <= 107) s.bg = `var(--ansi-bright-${BASIC[c - 100]})`;
    else if (c === 39) delete s.fg;
    else if (c === 49) delete s.bg;
    else if ((c === 38 || c === 48) && codes[i + 1] === 5) {
      s[c === 38 ? 'fg' : 'bg'] = color256(codes[i + 2] ?? 0);
      i += 2;
    } else if ((c === 38 || c === 48) && codes[i + 1] === 2) {
      s[c === 38 ? 'fg' : 'bg'] = `rgb(${codes[i + 2] ?? 0}, ${codes[i + 3] ?? 0}, ${codes[i + 4] ?? 0})`;
      i += 4;
    }
  }
  return s;
}

/** Splits text into runs with the style in force for each. Pure, so it is tested without a DOM. */
export function ansiRuns(input: string): { text: string; style: Style }[] {
  const runs: { text: string; style: Style }[] = [];
  let style: Style = {};
  // SGR sequences change the style; any other CSI or OSC sequence is removed
  const re = /\x1b\[([0-9;]*)m|\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;
  let last = 0;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    if (m.index > last) runs.push({ text: input.slice(last, m.index), style });
    if (m[1] !== undefined) style = apply(style, m[1] === '' ? [0] : m[1].split(';').map(Number));
    last = re.lastIndex;
  }
  if (last < input.length) runs.push({ text: input.slice(last), style });
  return runs;
}

/** Appends the text to `host` as spans; carriage returns overwrite the line, as a terminal does. */
export function renderAnsi(host: HTMLElement, input: string): void {
  const resolved = input.replace(/\r\n/g, '\n').replace(/^.*\r(?!\n)/gm, '');
  for (const run of ansiRuns(resolved)) {
    const s = run.style;
    if (!s.fg && !s.bg && !s.bold && !s.italic && !s.underline) {
      host.append(run.text);
      continue;
    }
    const span = document.createElement('span');
    span.textContent = run.text;
    if (s.fg) span.style.color = s.fg;
    if (s.bg) span.style.backgroundColor = s.bg;
    if (s.bold) span.style.fontWeight = 'bold';
    if (s.italic) span.style.fontStyle = 'italic';
    if (s.underline) span.style.textDecoration = 'underline';
    host.append(span);
  }
}
