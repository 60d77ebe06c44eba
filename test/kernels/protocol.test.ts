import { describe, expect, it } from 'vitest';
import { isExecuteReply, isKernelMessage, isKernelRequest, isStream, makeMessage, messageProblem } from '../../kernels/protocol';

describe('kernel protocol validation', () => {
  it('accepts well-formed messages with their type guard and refuses them with another', () => {
    const stream = makeMessage('stream', { name: 'stdout', text: 'hi' }, 'parent-1');
    expect(isStream(stream)).toBe(true);
    expect(isExecuteReply(stream)).toBe(false);
    expect(isKernelMessage(stream)).toBe(true);
    expect(isKernelRequest(stream)).toBe(false);
    expect(isKernelRequest(makeMessage('execute_request', { code: '1' }))).toBe(true);
  });

  it('says what is wrong with a malformed message', () => {
    expect(messageProblem(null)).toBe('a message must be an object');
    expect(messageProblem({ header: { msg_id: 'x', msg_type: 'teleport' }, parent_id: null, content: {} })).toBe('unknown msg_type "teleport"');
    expect(messageProblem({ header: { msg_id: 'x', msg_type: 'stream' }, parent_id: null, content: { name: 'stdlog', text: '' } })).toBe('stream: needs name stdout|stderr and text');
    expect(messageProblem({ header: { msg_id: 'x', msg_type: 'error' }, parent_id: 7, content: {} })).toBe('error: parent_id must be a string or null');
    expect(messageProblem({ header: { msg_id: 'x', msg_type: 'execute_reply' }, parent_id: 'p', content: { status: 'done', execution_count: 1 } })).toContain('needs status ok|error|aborted');
  });
});
