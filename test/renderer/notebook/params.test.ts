import { describe, expect, it } from 'vitest';
import { parseParams, setParam } from '../../../renderer/src/notebook/params';

const source = [
  'const lr = 0.01; // @param {type: "slider", min: 0.001, max: 0.1, step: 0.001}',
  "const optimizer = 'adam'; // @param ['sgd', 'adam', 'rmsprop']",
  'let shuffle: boolean = true; // @param {type: "boolean"}',
  'const epochs = 10; // @param {type: "integer"}',
  'const plain = 3; // not a param',
  'const broken = 1; // @param {type: ',
].join('\n');

describe('Colab-style // @param forms', () => {
  it('finds sliders, choices, checkboxes and numbers with their ranges', () => {
    expect(parseParams(source)).toEqual([
      { name: 'lr', kind: 'slider', value: 0.01, line: 0, min: 0.001, max: 0.1, step: 0.001 },
      { name: 'optimizer', kind: 'choice', value: 'adam', line: 1, options: ['sgd', 'adam', 'rmsprop'] },
      { name: 'shuffle', kind: 'boolean', value: true, line: 2 },
      { name: 'epochs', kind: 'integer', value: 10, line: 3 },
    ]);
  });

  it('rewrites only the literal, keeping the annotation, the type and the quote style', () => {
    const [lr, optimizer, shuffle] = parseParams(source);
    const lines = setParam(setParam(setParam(source, lr, 0.05), optimizer, "it's"), shuffle, false).split('\n');
    expect(lines[0]).toBe('const lr = 0.05; // @param {type: "slider", min: 0.001, max: 0.1, step: 0.001}');
    expect(lines[1]).toBe("const optimizer = 'it\\'s'; // @param ['sgd', 'adam', 'rmsprop']");
    expect(lines[2]).toBe('let shuffle: boolean = false; // @param {type: "boolean"}');
    expect(lines.slice(3)).toEqual(source.split('\n').slice(3));
  });
});
