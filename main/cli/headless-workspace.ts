import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelManager } from '../kernels';
import { createWorkspace } from '../workspace';

/**
 * Runs `fn` with the app's services over a throwaway workspace, for headless notebook runs (`run`,
 * `pack check`): cells get lab.datasets and lab.queues as in the app, and nothing touches the
 * user's workspace. Nobody can label in a headless run, so a cell waiting for people is answered
 * at once (it falls back to its simulated oracle).
 */
export async function withHeadlessWorkspace<T>(fn: (kernels: KernelManager) => Promise<T>): Promise<T> {
  const workspaceDir = await mkdtemp(join(tmpdir(), 'mlsys-lab-headless-'));
  const workspace = createWorkspace({ workspaceDir, labsDir: join(workspaceDir, 'labs'), mode: 'browser', interactive: false, log: (m) => console.error(`[headless] ${m}`) });
  try {
    return await fn(workspace.kernels);
  } finally {
    await workspace.dispose();
    await rm(workspaceDir, { recursive: true, force: true });
  }
}
