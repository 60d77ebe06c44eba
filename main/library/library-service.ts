import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LibraryApi, PackSummary } from '../api/library';
import { MANIFEST_FILE, parseManifest } from '../packs/manifest';

export interface LibrarySource {
  dir: string;
  source: PackSummary['source'];
}

/** Reads one pack folder into a summary; throws, naming the file, when the pack is broken. */
export type PackLoader = (dir: string, source: PackSummary['source']) => Promise<PackSummary>;

/** Manifest only; the workspace passes the packs service's loader, which also verifies and applies trust. */
const manifestOnly: PackLoader = async (dir, source) => {
  const path = join(dir, MANIFEST_FILE);
  const m = parseManifest(await readFile(path, 'utf8'), path);
  return { id: m.id, version: m.version, title: m.title, summary: m.summary, topics: m.topics, estimatedMinutes: m.estimatedMinutes, author: m.author, notebooks: m.notebooks, source, trusted: source === 'builtin' };
};

/**
 * Lists the lab packs found in the pack folders (the built-in labs/ and the workspace's imported
 * packs). Packs are read from their real manifests every time: the folders are small and this
 * keeps the list honest after an import or a manual edit.
 */
export class LibraryService implements Omit<LibraryApi, 'onDidChange'> {
  constructor(
    private readonly sources: LibrarySource[],
    private readonly load: PackLoader = manifestOnly,
  ) {}

  async list(): Promise<{ packs: PackSummary[]; problems: { path: string; message: string }[] }> {
    const packs: PackSummary[] = [];
    const problems: { path: string; message: string }[] = [];
    for (const { dir, source } of this.sources) {
      let entries: string[];
      try {
        entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name); // .incoming-* are imports in progress
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      for (const name of entries.sort()) {
        const path = join(dir, name, MANIFEST_FILE);
        try {
          await access(path);
        } catch {
          continue; // a folder without a manifest is not a pack
        }
        try {
          packs.push(await this.load(join(dir, name), source));
        } catch (err) {
          problems.push({ path, message: (err as Error).message });
        }
      }
    }
    // no re-sort: built-in labs keep their folders' curriculum order (01-, 02-, ...), imported packs follow
    return { packs, problems };
  }
}
