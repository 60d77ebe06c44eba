/**
 * What `import ... from 'x'` gives a cell: the kernel's own module instances (so
 * `@tensorflow/tfjs` is the very module whose backend the kernel set up), node: builtins, and
 * `mlsys-lab` for the lab API. A package that is not installed fails with an error saying so.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const kernelRequire = createRequire(import.meta.url);

/** Packages the app ships for cells (listed in the error for a missing one). */
export const SHIPPED_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'mlsys-lab'];

export class CellImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/**
 * `builtins`: modules the kernel provides itself. `before`: called before a package is first
 * loaded (the kernel loads TensorFlow.js and its backend before a cell gets @tensorflow/*).
 */
export function createCellImporter(builtins: Record<string, unknown>, before: (specifier: string) => Promise<void> | undefined = () => undefined) {
  const cache = new Map<string, unknown>();
  return async function importForCell(specifier: string): Promise<unknown> {
    if (specifier in builtins) return builtins[specifier];
    const cached = cache.get(specifier);
    if (cached) return cached;
    await before(specifier);
    const isRelative = specifier.startsWith('.') || specifier.startsWith('/');
    let resolved: string;
    try {
      resolved = isRelative ? kernelRequire.resolve(resolve(process.cwd(), specifier)) : kernelRequire.resolve(specifier);
    } catch {
      throw new CellImportError(
        isRelative
          ? `Cannot import "${specifier}": no such file next to the notebook (${resolve(process.cwd(), specifier)}).`
          : `Cannot import "${specifier}": the package is not installed with this kernel. Packages available to cells: ${SHIPPED_PACKAGES.join(', ')} and Node's built-in modules (node:fs, ...).`,
      );
    }
    let mod: unknown;
    try {
      mod = kernelRequire(resolved);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw err;
      mod = await import(resolved.startsWith('node:') ? resolved : pathToFileURL(resolved).href);
    }
    cache.set(specifier, mod);
    return mod;
  };
}

/** `import x from 'm'`: the ES default export, or a CommonJS module's exports. */
export function defaultOf(mod: unknown): unknown {
  if (mod && typeof mod === 'object' && 'default' in mod && (mod as { __esModule?: boolean }).__esModule !== false) {
    const d = (mod as { default: unknown }).default;
    if (d !== undefined) return d;
  }
  return mod;
}

/** `import { name } from 'm'`: the export. */
export function namedExport(mod: unknown, name: string): unknown {
  const m = mod as Record<string, unknown>;
  // a type-only import (an interface) has no value: undefined, as after TypeScript erased it
  return m !== null && m !== undefined && name in Object(m) ? m[name] : undefined;
}
