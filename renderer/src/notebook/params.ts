/**
 * Colab-style forms. A top-level constant annotated `// @param` becomes a control beside the cell:
 *
 *   const lr = 0.01; // @param {type: "slider", min: 0.001, max: 0.1, step: 0.001}
 *   const optimizer = 'adam'; // @param ["sgd", "adam", "rmsprop"]
 *   const shuffle = true; // @param {type: "boolean"}
 *   const epochs = 10; // @param {type: "integer"}
 *
 * Changing the control rewrites the literal in the source (so the notebook file holds the value)
 * and re-runs the cell. Parsing and rewriting are pure functions.
 */
export type ParamKind = 'slider' | 'number' | 'integer' | 'string' | 'boolean' | 'choice';

export interface Param {
  name: string;
  kind: ParamKind;
  value: number | string | boolean;
  line: number;
  min?: number;
  max?: number;
  step?: number;
  options?: (string | number)[];
}

const LINE = /^(\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*)(.+?)(\s*;?\s*\/\/\s*@param\b\s*(.*))$/;

/** JSON with the freedoms people write in a comment: unquoted keys, single quotes. */
function relaxedJson(text: string): unknown {
  const quoted = text.replace(/'([^'\\]*(?:\\.[^'\\]*)*)'/g, (_m, s: string) => JSON.stringify(s.replace(/\\'/g, "'")));
  return JSON.parse(quoted.replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g, '$1"$2":'));
}

function literal(text: string): number | string | boolean | undefined {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t);
  const m = /^(['"`])(.*)\1$/.exec(t);
  return m ? m[2] : undefined;
}

export function parseParams(source: string): Param[] {
  const params: Param[] = [];
  source.split('\n').forEach((text, line) => {
    const m = LINE.exec(text);
    if (!m) return;
    const value = literal(m[3]);
    if (value === undefined) return;
    let spec: unknown = {};
    try {
      spec = m[5].trim() ? relaxedJson(m[5].trim()) : {};
    } catch {
      return; // a malformed annotation is just a comment
    }
    const p: Param = { name: m[2], kind: typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'string', value, line };
    if (Array.isArray(spec)) {
      p.kind = 'choice';
      p.options = spec.filter((o) => typeof o === 'string' || typeof o === 'number');
    } else if (spec && typeof spec === 'object') {
      const s = spec as Record<string, unknown>;
      if (typeof s.type === 'string' && ['slider', 'number', 'integer', 'string', 'boolean'].includes(s.type)) p.kind = s.type as ParamKind;
      for (const k of ['min', 'max', 'step'] as const) if (typeof s[k] === 'number') p[k] = s[k] as number;
    }
    params.push(p);
  });
  return params;
}

/** The source with the parameter's literal replaced, keeping the quote style of strings. */
export function setParam(source: string, param: Param, value: number | string | boolean): string {
  const lines = source.split('\n');
  const m = LINE.exec(lines[param.line] ?? '');
  if (!m) return source;
  const old = m[3].trim();
  const q = /^['"`]/.test(old) ? old[0] : "'";
  const text = typeof value === 'string' ? `${q}${value.replace(new RegExp(`[\\\\${q}]`, 'g'), (c) => '\\' + c)}${q}` : String(value);
  lines[param.line] = m[1] + text + m[4];
  return lines.join('\n');
}

/** Draws the form; `changed` gets the new source. */
export function renderParamForm(host: HTMLElement, params: Param[], readOnly: boolean, source: () => string, changed: (source: string, param: Param) => void): void {
  host.replaceChildren();
  for (const p of params) {
    const row = document.createElement('label');
    row.className = 'param';
    const name = document.createElement('span');
    name.textContent = p.name;
    let input: HTMLInputElement | HTMLSelectElement;
    const readValue = (): number | string | boolean => {
      if (input instanceof HTMLSelectElement) return typeof p.options?.[0] === 'number' ? Number(input.value) : input.value;
      if (input.type === 'checkbox') return input.checked;
      if (input.type === 'range' || input.type === 'number') return p.kind === 'integer' ? Math.round(Number(input.value)) : Number(input.value);
      return input.value;
    };
    if (p.kind === 'choice') {
      input = document.createElement('select');
      for (const o of p.options ?? []) input.append(new Option(String(o), String(o), false, o === p.value));
    } else {
      input = document.createElement('input');
      if (p.kind === 'boolean') {
        input.type = 'checkbox';
        input.checked = p.value === true;
      } else if (p.kind === 'slider') {
        input.type = 'range';
        input.min = String(p.min ?? 0);
        input.max = String(p.max ?? 100);
        input.step = String(p.step ?? 'any');
        input.value = String(p.value);
      } else {
        input.type = p.kind === 'string' ? 'text' : 'number';
        if (p.kind === 'integer') input.step = '1';
        input.value = String(p.value);
      }
    }
    input.disabled = readOnly;
    input.name = p.name;
    const shown = document.createElement('output');
    shown.textContent = p.kind === 'slider' ? String(p.value) : '';
    input.addEventListener('input', () => {
      if (p.kind === 'slider') shown.textContent = String(readValue());
    });
    input.addEventListener('change', () => {
      changed(setParam(source(), p, readValue()), p);
    });
    row.append(name, input, shown);
    host.append(row);
  }
}
