import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LibraryApi, PackSummary } from '../api/library';
import { MANIFEST_FILE, parseManifest } from '../packs/manifest';

export interface LibrarySource {
  dir: string;
  source: PackSummary['source'];
}

/**
 * Lists the lab packs found in the pack folders (the built-in labs/ and the workspace's imported
 * packs). Packs are read from their real manifests every time: the folders are small and this
 * keeps the list honest after an import or a manual edit.
 */
export class LibraryService implements Omit<LibraryApi, 'onDidChange'> {
  constructor(private readonly sources: LibrarySource[]) {}

  async list(): Promise<{ packs: PackSummary[]; problems: { path: string; message: string }[] }> {
    const packs: PackSummary[] = [];
    const problems: { path: string; message: string }[] = [];
    for (const { dir, source } of this.sources) {
      let entries: string[];
      try {
        entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      for (const name of entries.sort()) {
        const path = join(dir, name, MANIFEST_FILE);
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch {
          continue; // a folder without a manifest is not a pack
        }
        try {
          const m = parseManifest(text, path);
          packs.push({
            id: m.id,
            version: m.version,
            title: m.title,
            summary: m.summary,
            topics: m.topics,
            estimatedMinutes: m.estimatedMinutes,
            author: m.author,
            notebooks: m.notebooks,
            source,
            trusted: source === 'builtin',
          });
        } catch (err) {
          problems.push({ path, message: (err as Error).message });
        }
      }
    }
    packs.sort((a, b) => a.id.localeCompare(b.id));
    return { packs, problems };
  }
}
