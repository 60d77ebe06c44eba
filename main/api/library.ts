import type { Subscribe } from './common.ts';

/** One lab pack as the library lists it, read from its real manifest. */
export interface PackSummary {
  id: string;
  version: string;
  title: string;
  summary: string;
  topics: string[];
  estimatedMinutes: number;
  author: string;
  /** Notebook paths relative to the pack root, in reading order. */
  notebooks: string[];
  /** Where the pack came from: shipped with the app, or imported by the user. */
  source: 'builtin' | 'imported';
  /** Whether cells may run: built-in and trusted packs are trusted; see the packs group. */
  trusted: boolean;
}

export interface LibraryApi {
  /** Every pack the workspace knows, sorted by id. A pack whose manifest is broken is listed in `problems`. */
  list(): Promise<{ packs: PackSummary[]; problems: { path: string; message: string }[] }>;
  onDidChange: Subscribe<void>;
}
