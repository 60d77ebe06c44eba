import type { AppApi, AppInfo, AppMode } from '../api/app';
import { ApiError } from '../rpc/errors';

export interface AppServiceOptions {
  version: string;
  mode: AppMode;
  workspaceDir: string;
  /** How this shell opens an external link (Electron: shell.openExternal; browser mode: the client does it). */
  openExternal?: (url: string) => Promise<void>;
}

export class AppService implements Omit<AppApi, 'onDidNotify'> {
  constructor(private readonly options: AppServiceOptions) {}

  async info(): Promise<AppInfo> {
    return {
      name: 'mlsys-lab',
      version: this.options.version,
      mode: this.options.mode,
      platform: process.platform,
      workspaceDir: this.options.workspaceDir,
    };
  }

  async openExternal(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ApiError('E_BAD_URL', `Not a URL: ${JSON.stringify(url)}`);
    }
    // Only web links leave the app; file:, javascript: and custom schemes could run things.
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new ApiError('E_BAD_URL', `Only http(s) links open outside the app, not ${parsed.protocol}`);
    }
    await this.options.openExternal?.(parsed.href);
  }
}
