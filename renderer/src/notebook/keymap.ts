/**
 * Jupyter's keyboard model, as data: which key (or two-key chord such as D,D) runs which command
 * in command mode and in edit mode. The help panel is generated from the same table, so it can
 * never drift from what the keys do. Pure, so it is tested without a browser.
 */
export type CommandId =
  | 'run'
  | 'runAndSelectBelow'
  | 'runAndInsertBelow'
  | 'runAll'
  | 'enterEdit'
  | 'enterCommand'
  | 'insertAbove'
  | 'insertBelow'
  | 'delete'
  | 'undoDelete'
  | 'toMarkdown'
  | 'toCode'
  | 'selectAbove'
  | 'selectBelow'
  | 'moveUp'
  | 'moveDown'
  | 'copy'
  | 'cut'
  | 'pasteBelow'
  | 'mergeBelow'
  | 'split'
  | 'clearOutputs'
  | 'save'
  | 'interrupt'
  | 'restart'
  | 'help';

export interface KeyBinding {
  /** Key names as KeyboardEvent.key gives them; a chord is two entries ('d', 'd'). */
  keys: string[];
  ctrl?: boolean;
  shift?: boolean;
  alt?: boolean;
  command: CommandId;
  mode: 'command' | 'edit' | 'both';
  label: string;
}

export const BINDINGS: KeyBinding[] = [
  { keys: ['Enter'], shift: true, command: 'runAndSelectBelow', mode: 'both', label: 'Run the cell, select the one below' },
  { keys: ['Enter'], ctrl: true, command: 'run', mode: 'both', label: 'Run the cell' },
  { keys: ['Enter'], alt: true, command: 'runAndInsertBelow', mode: 'both', label: 'Run the cell, insert a cell below' },
  { keys: ['Enter'], command: 'enterEdit', mode: 'command', label: 'Edit the cell' },
  { keys: ['Escape'], command: 'enterCommand', mode: 'edit', label: 'Leave the editor (command mode)' },
  { keys: ['a'], command: 'insertAbove', mode: 'command', label: 'Insert a cell above' },
  { keys: ['b'], command: 'insertBelow', mode: 'command', label: 'Insert a cell below' },
  { keys: ['d', 'd'], command: 'delete', mode: 'command', label: 'Delete the cell' },
  { keys: ['z'], command: 'undoDelete', mode: 'command', label: 'Undo the last delete' },
  { keys: ['m'], command: 'toMarkdown', mode: 'command', label: 'Make it a markdown cell' },
  { keys: ['y'], command: 'toCode', mode: 'command', label: 'Make it a code cell' },
  { keys: ['ArrowUp'], command: 'selectAbove', mode: 'command', label: 'Select the cell above' },
  { keys: ['k'], command: 'selectAbove', mode: 'command', label: 'Select the cell above' },
  { keys: ['ArrowDown'], command: 'selectBelow', mode: 'command', label: 'Select the cell below' },
  { keys: ['j'], command: 'selectBelow', mode: 'command', label: 'Select the cell below' },
  { keys: ['ArrowUp'], alt: true, command: 'moveUp', mode: 'command', label: 'Move the cell up' },
  { keys: ['ArrowDown'], alt: true, command: 'moveDown', mode: 'command', label: 'Move the cell down' },
  { keys: ['c'], command: 'copy', mode: 'command', label: 'Copy the cell' },
  { keys: ['x'], command: 'cut', mode: 'command', label: 'Cut the cell' },
  { keys: ['v'], command: 'pasteBelow', mode: 'command', label: 'Paste the cell below' },
  { keys: ['m'], shift: true, command: 'mergeBelow', mode: 'command', label: 'Merge with the cell below' },
  { keys: ['-'], ctrl: true, shift: true, command: 'split', mode: 'edit', label: 'Split the cell at the cursor' },
  { keys: ['o'], command: 'clearOutputs', mode: 'command', label: "Clear the cell's outputs" },
  { keys: ['s'], ctrl: true, command: 'save', mode: 'both', label: 'Save' },
  { keys: ['s'], command: 'save', mode: 'command', label: 'Save' },
  { keys: ['i', 'i'], command: 'interrupt', mode: 'command', label: 'Interrupt the kernel' },
  { keys: ['0', '0'], command: 'restart', mode: 'command', label: 'Restart the kernel' },
  { keys: ['h'], command: 'help', mode: 'command', label: 'Show these shortcuts' },
];

export interface KeyPress {
  key: string;
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
}

/** How a chord's keys are written for people: "Shift+Enter", "D, D", "Ctrl+S". */
export function describeBinding(b: KeyBinding): string {
  const mods = [b.ctrl && 'Ctrl', b.alt && 'Alt', b.shift && 'Shift'].filter(Boolean).join('+');
  const names = b.keys.map((k) => ({ ArrowUp: '↑', ArrowDown: '↓', Escape: 'Esc', '-': '−' })[k] ?? (k.length === 1 ? k.toUpperCase() : k));
  return b.keys.length > 1 ? names.join(', ') : mods ? `${mods}+${names[0]}` : names[0];
}

/** Letters compare without case: Shift is a modifier of its own in the table (Shift+M is { m, shift }). */
const norm = (key: string) => (key.length === 1 ? key.toLowerCase() : key);

/** Turns key presses into commands, remembering the first key of a chord for `chordMs`. */
export class Keymap {
  private pending: { key: string; at: number } | undefined;

  constructor(
    private readonly bindings: KeyBinding[] = BINDINGS,
    private readonly chordMs = 1000,
  ) {}

  /** The command for a key press in a mode, 'pending' while a chord has begun, or undefined. */
  press(k: KeyPress, mode: 'command' | 'edit', now: number): CommandId | 'pending' | undefined {
    if (['Shift', 'Control', 'Alt', 'Meta'].includes(k.key)) return undefined;
    const key = norm(k.key);
    const fits = (b: KeyBinding) => (b.mode === 'both' || b.mode === mode) && Boolean(b.ctrl) === k.ctrl && Boolean(b.alt) === k.alt && Boolean(b.shift) === k.shift;
    const first = this.pending && now - this.pending.at <= this.chordMs ? this.pending.key : undefined;
    this.pending = undefined;
    if (first !== undefined) {
      const chord = this.bindings.find((b) => b.keys.length === 2 && fits(b) && b.keys[0] === first && b.keys[1] === key);
      if (chord) return chord.command;
    }
    const single = this.bindings.find((b) => b.keys.length === 1 && fits(b) && b.keys[0] === key);
    if (single) return single.command;
    if (this.bindings.some((b) => b.keys.length === 2 && fits(b) && b.keys[0] === key)) {
      this.pending = { key, at: now };
      return 'pending';
    }
    return undefined;
  }
}
