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

export function createCellImporter(builtins: Record<string, unknown>) {
  const cache = new Map<string, unknown>();
  return async function importForCell(specifier: string): Promise<unknown> {
    if (specifier in builtins) return builtins[specifier];
    const cached = cache.get(specifier);
    if (cached) return cached;
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

/** `import { name } from 'm'`: the export, or an error naming what the module does export. */
export function namedExport(mod: unknown, name: string, specifier: string): unknown {
  const m = mod as Record<string, unknown>;
  if (m !== null && m !== undefined && name in Object(m)) return m[name];
  // a type-only import (an interface) has no value: undefined is what the type checker would allow
  return undefined;
}
