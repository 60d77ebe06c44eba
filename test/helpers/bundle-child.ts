/**
 * Bundles a TypeScript child-process script for a test into .cache/test (beside node_modules, so
 * its packages resolve), as an ES module that also has `require`. Returns the bundle's path.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../../main/paths';

export async function bundleChild(entry: string, options: { define?: Record<string, string> } = {}): Promise<string> {
  const outDir = join(projectRoot(), '.cache', 'test');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${basename(entry, '.ts')}-${process.pid}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    define: options.define,
  });
  return outfile;
}
