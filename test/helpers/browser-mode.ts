/**
 * Starts the real browser-mode server (the same services and transport `npm start` runs) on a
 * free loopback port, over a fresh temporary workspace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinLabsDir, rendererDir } from '../../main/paths';
import { startWebServer, type WebServer } from '../../main/web/server';
import { createWorkspace, type Workspace } from '../../main/workspace';

export interface BrowserModeHarness {
  server: WebServer;
  workspace: Workspace;
  workspaceDir: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startBrowserMode(options: { labsDir?: string } = {}): Promise<BrowserModeHarness> {
  const workspaceDir = mkdtempSync(join(tmpdir(), 'mlsys-lab-test-'));
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  const workspace = createWorkspace({ workspaceDir, labsDir: options.labsDir ?? builtinLabsDir(), mode: 'browser', log });
  const server = await startWebServer({ dispatcher: workspace.dispatcher, rendererDir: rendererDir(), log });
  return {
    server,
    workspace,
    workspaceDir,
    logs,
    async close() {
      await server.close();
      await workspace.dispose();
      rmSync(workspaceDir, { recursive: true, force: true });
    },
  };
}
