import { t, type Check } from '../rpc/schema';

/** A dataset or column named either way: by name (a string) or by number (an integer). */
export function nameOrIndex(opts: { min?: number } = {}): Check<string | number> {
  const name = t.string({ minLength: 1, maxLength: 200 });
  const index = t.number({ integer: true, min: opts.min });
  return ((v: unknown, p: string) => (typeof v === 'string' ? name(v, p) : typeof v === 'number' ? index(v, p) : `${p} must be a name or an integer, got ${v === null ? 'null' : typeof v}`)) as Check<
    string | number
  >;
}
