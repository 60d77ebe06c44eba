/** Prints one benchmark figure as a JSON line, the form `npm run bench` promises. */
export function report(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(JSON.stringify({ metric, value: Number(value.toPrecision(6)), unit, ...extra }) + '\n');
}

/** The q-quantile (0..1) of a list of numbers, by linear interpolation. */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
