/**
 * Plotly 3 dropped the string shorthand for titles (`layout.title: 'Loss'`, `xaxis.title: 'epoch'`)
 * that most Plotly examples, Python's Plotly figures from before 2020 and our own labs use; the
 * bundled plotly.js 4 silently draws no title for it. Figures are upgraded to the object form
 * (`{ text }`) before they are drawn, so a title written either way shows.
 */
export function withTitleObjects<T>(value: T): T {
  // data columns (arrays of numbers or strings, typed arrays) hold no titles: pass them on as they
  // are, so a live curve of a million points is not copied on every update
  if (Array.isArray(value)) return value.some(isObject) ? (value.map((v) => withTitleObjects(v)) as T) : value;
  if (!isObject(value) || ArrayBuffer.isView(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = key === 'title' && (typeof v === 'string' || typeof v === 'number') ? { text: String(v) } : withTitleObjects(v);
  }
  return out as T;
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;
