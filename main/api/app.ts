import type { Subscribe } from './common.ts';

export type AppMode = 'electron' | 'browser';

export interface AppInfo {
  name: string;
  version: string;
  mode: AppMode;
  platform: string;
  /** The workspace folder: the database, unpacked packs and attendee notebooks live here. */
  workspaceDir: string;
}

export interface AppApi {
  info(): Promise<AppInfo>;
  /** Opens an http(s) link in the system browser (Electron) or a new tab (browser mode). */
  openExternal(url: string): Promise<void>;
  /** Fires for messages the user should see that no single view owns (e.g. a kernel crash). */
  onDidNotify: Subscribe<{ level: 'info' | 'warning' | 'error'; message: string }>;
}
