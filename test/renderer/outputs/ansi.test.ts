import { describe, expect, it } from 'vitest';
import { ansiRuns } from '../../../renderer/src/outputs/ansi';

describe('ANSI colours in stream output', () => {
  it('splits text into runs with the SGR style in force, and resets on 0', () => {
    expect(ansiRuns('a\x1b[31mred\x1b[0mb')).toEqual([
      { text: 'a', style: {} },
      { text: 'red', style: { fg: 'var(--ansi-red)' } },
      { text: 'b', style: {} },
    ]);
    expect(ansiRuns('\x1b[1;92mok\x1b[m')).toEqual([{ text: 'ok', style: { bold: true, fg: 'var(--ansi-bright-green)' } }]);
  });

  it('reads 256-colour and true-colour codes and drops other escape sequences', () => {
    expect(ansiRuns('\x1b[38;5;196mx')[0].style.fg).toBe('rgb(255, 0, 0)');
    expect(ansiRuns('\x1b[48;2;1;2;3mx')[0].style.bg).toBe('rgb(1, 2, 3)');
    expect(ansiRuns('a\x1b[2Kb\x1b]0;title\x07c').map((r) => r.text).join('')).toBe('abc');
  });
});
