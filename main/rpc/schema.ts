/**
 * Runtime argument checks for API methods. A `Check<T>` validates an unknown value and carries
 * the static type T, so a method's checks are compiled against its signature in main/api.ts and
 * cannot drift from it. Messages name the argument path and the offending value.
 */
export interface Check<T> {
  /** Returns undefined when `value` is a T, else a message naming `path` and what was wrong. */
  (value: unknown, path: string): string | undefined;
  /** Phantom field: never set, only carries T for the compiler. */
  readonly __type?: T;
  readonly optional?: boolean;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function check<T>(fn: (value: unknown, path: string) => string | undefined, optional = false): Check<T> {
  return Object.assign(fn, { optional }) as Check<T>;
}

export const t = {
  string(opts: { maxLength?: number; minLength?: number } = {}): Check<string> {
    return check((v, p) => {
      if (typeof v !== 'string') return `${p} must be a string, got ${describe(v)}`;
      if (opts.minLength !== undefined && v.length < opts.minLength) return `${p} must have at least ${opts.minLength} characters`;
      if (opts.maxLength !== undefined && v.length > opts.maxLength) return `${p} must have at most ${opts.maxLength} characters`;
      return undefined;
    });
  },
  number(opts: { min?: number; max?: number; integer?: boolean } = {}): Check<number> {
    return check((v, p) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${p} must be a finite number, got ${describe(v)}`;
      if (opts.integer && !Number.isInteger(v)) return `${p} must be an integer, got ${v}`;
      if (opts.min !== undefined && v < opts.min) return `${p} must be at least ${opts.min}, got ${v}`;
      if (opts.max !== undefined && v > opts.max) return `${p} must be at most ${opts.max}, got ${v}`;
      return undefined;
    });
  },
  boolean(): Check<boolean> {
    return check((v, p) => (typeof v === 'boolean' ? undefined : `${p} must be a boolean, got ${describe(v)}`));
  },
  literal<const L extends readonly (string | number | boolean)[]>(...values: L): Check<L[number]> {
    return check((v, p) =>
      values.includes(v as L[number]) ? undefined : `${p} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}, got ${describe(v)}`,
    );
  },
  array<T>(item: Check<T>, opts: { maxLength?: number } = {}): Check<T[]> {
    return check((v, p) => {
      if (!Array.isArray(v)) return `${p} must be an array, got ${describe(v)}`;
      if (opts.maxLength !== undefined && v.length > opts.maxLength) return `${p} must have at most ${opts.maxLength} items`;
      for (let i = 0; i < v.length; i++) {
        const err = item(v[i], `${p}[${i}]`);
        if (err) return err;
      }
      return undefined;
    });
  },
  /** An object with exactly these keys (unknown keys are refused, so typos surface). */
  object<S extends Record<string, Check<unknown>>>(shape: S): Check<ObjectOf<S>> {
    return check((v, p) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${p} must be an object, got ${describe(v)}`;
      const rec = v as Record<string, unknown>;
      for (const key of Object.keys(rec)) if (!(key in shape)) return `${p} has an unknown field "${key}"`;
      for (const [key, c] of Object.entries(shape)) {
        if (rec[key] === undefined) {
          if (c.optional) continue;
          return `${p}.${key} is required`;
        }
        const err = c(rec[key], `${p}.${key}`);
        if (err) return err;
      }
      return undefined;
    });
  },
  optional<T>(inner: Check<T>): Check<T | undefined> {
    return check((v, p) => (v === undefined ? undefined : inner(v, p)), true);
  },
  nullable<T>(inner: Check<T>): Check<T | null> {
    return check((v, p) => (v === null ? undefined : inner(v, p)));
  },
  /** Any JSON value; use only where the service validates the content itself. */
  json(): Check<unknown> {
    return check(() => undefined);
  },
};

type OptionalKeys<S> = { [K in keyof S]: S[K] extends Check<infer T> ? (undefined extends T ? K : never) : never }[keyof S];
type RequiredKeys<S> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Record<string, Check<unknown>>> = {
  [K in RequiredKeys<S>]: S[K] extends Check<infer T> ? T : never;
} & {
  [K in OptionalKeys<S>]?: S[K] extends Check<infer T> ? T : never;
};

/** Checks a whole argument list; extra arguments are refused. */
export function checkArgs(checks: readonly Check<unknown>[], args: unknown[]): string | undefined {
  if (args.length > checks.length) return `expected at most ${checks.length} argument(s), got ${args.length}`;
  for (let i = 0; i < checks.length; i++) {
    const err = checks[i](args[i], `argument ${i + 1}`);
    if (err) return err;
  }
  return undefined;
}
