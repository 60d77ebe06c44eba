import { describe, expect, it } from 'vitest';
import { BINDINGS, describeBinding, Keymap } from '../../../renderer/src/notebook/keymap';

const key = (k: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean } = {}) => ({ key: k, ctrl: false, shift: false, alt: false, ...mods });

describe("Jupyter's keyboard model", () => {
  it('maps single keys by mode: Enter edits in command mode, Shift+Enter runs in both', () => {
    const km = new Keymap();
    expect(km.press(key('Enter'), 'command', 0)).toBe('enterEdit');
    expect(km.press(key('Enter'), 'edit', 0)).toBeUndefined();
    expect(km.press(key('Enter', { shift: true }), 'edit', 0)).toBe('runAndSelectBelow');
    expect(km.press(key('Enter', { ctrl: true }), 'command', 0)).toBe('run');
    expect(km.press(key('Enter', { alt: true }), 'command', 0)).toBe('runAndInsertBelow');
    expect(km.press(key('a'), 'command', 0)).toBe('insertAbove');
    expect(km.press(key('a'), 'edit', 0)).toBeUndefined();
    expect(km.press(key('M', { shift: true }), 'command', 0)).toBe('mergeBelow');
    expect(km.press(key('m'), 'command', 0)).toBe('toMarkdown');
    expect(km.press(key('ArrowDown', { alt: true }), 'command', 0)).toBe('moveDown');
    expect(km.press(key('s', { ctrl: true }), 'edit', 0)).toBe('save');
  });

  it('needs both keys of D,D, I,I and 0,0 within the chord time', () => {
    const km = new Keymap(BINDINGS, 1000);
    expect(km.press(key('d'), 'command', 0)).toBe('pending');
    expect(km.press(key('d'), 'command', 500)).toBe('delete');
    expect(km.press(key('d'), 'command', 2000)).toBe('pending');
    expect(km.press(key('d'), 'command', 3500)).toBe('pending');
    expect(km.press(key('i'), 'command', 3600)).toBe('pending');
    expect(km.press(key('i'), 'command', 3700)).toBe('interrupt');
    expect(km.press(key('0'), 'command', 4000)).toBe('pending');
    expect(km.press(key('0'), 'command', 4100)).toBe('restart');
    // a different second key ends the chord and counts on its own
    expect(km.press(key('d'), 'command', 5000)).toBe('pending');
    expect(km.press(key('b'), 'command', 5100)).toBe('insertBelow');
  });

  it('writes bindings the way the help panel shows them', () => {
    const label = (c: string) => BINDINGS.filter((b) => b.command === c).map(describeBinding);
    expect(label('delete')).toEqual(['D, D']);
    expect(label('runAndSelectBelow')).toEqual(['Shift+Enter']);
    expect(label('save')).toEqual(['Ctrl+S', 'S']);
    expect(label('moveUp')).toEqual(['Alt+↑']);
  });
});
