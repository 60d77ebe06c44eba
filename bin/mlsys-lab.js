#!/usr/bin/env node
// `npx mlsys-lab <command>`: builds if needed, then runs the CLI from the build output.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuilt } from '../scripts/ensure-built.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureBuilt(root);
await import(pathToFileURL(join(root, 'out', 'main', 'cli.js')).href);
