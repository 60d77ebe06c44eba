import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkspace } from '../../../main/workspace';
import { builtinLabsDir } from '../../../main/paths';
import type { ServerMessage } from '../../../main/api';

function workspace() {
  return createWorkspace({ workspaceDir: mkdtempSync(join(tmpdir(), 'mlsys-ws-')), labsDir: builtinLabsDir(), mode: 'browser', log: () => {} });
}

describe('the API dispatcher', () => {
  it('answers a known method with its value', async () => {
    const { dispatcher } = workspace();
    const reply = await dispatcher.handleCall({ kind: 'call', id: 7, method: 'app.info', args: [] });
    expect(reply).toMatchObject({ kind: 'result', id: 7, value: { name: 'mlsys-lab', mode: 'browser' } });
  });

  it('replies to an unknown method with a typed error', async () => {
    const { dispatcher } = workspace();
    const reply = await dispatcher.handleCall({ kind: 'call', id: 1, method: 'library.dropTables', args: [] });
    expect(reply).toEqual({ kind: 'error', id: 1, error: expect.objectContaining({ code: 'E_UNKNOWN_METHOD' }) });
  });

  it('refuses wrong argument types and says which argument', async () => {
    const { dispatcher } = workspace();
    const reply = await dispatcher.handleCall({ kind: 'call', id: 2, method: 'app.openExternal', args: [42] });
    expect(reply).toMatchObject({ kind: 'error', error: { code: 'E_BAD_ARGUMENTS', message: expect.stringMatching(/argument 1 must be a string/) } });
    const extra = await dispatcher.handleCall({ kind: 'call', id: 3, method: 'library.list', args: [1] });
    expect(extra).toMatchObject({ kind: 'error', error: { code: 'E_BAD_ARGUMENTS' } });
  });

  it('turns malformed messages into error replies instead of throwing', () => {
    const { dispatcher } = workspace();
    for (const raw of [null, 42, 'call', [], { kind: 'call' }, { kind: 'call', id: 1.5, method: 'app.info' }, { kind: 'call', id: 1, method: 'info' }, { kind: 'nope' }, { kind: 'subscribe', event: 'x.onDidY' }]) {
      const parsed = dispatcher.parse(raw) as ServerMessage;
      expect(parsed.kind, JSON.stringify(raw)).toBe('error');
      expect((parsed as Extract<ServerMessage, { kind: 'error' }>).error.code).toBe('E_BAD_MESSAGE');
    }
  });

  it('refuses to open non-web links', async () => {
    const { dispatcher } = workspace();
    await expect(dispatcher.call('app.openExternal', ['file:///etc/passwd'])).rejects.toMatchObject({ code: 'E_BAD_URL' });
  });
});
