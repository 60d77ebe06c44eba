import { describe, expect, it } from 'vitest';
import { checkCalls, countCheckCalls, countChecks } from '../../../main/packs/check-cells';
import { notebookOf } from './fixtures';

describe('what counts as a check', () => {
  it('counts the lab.check calls of cells tagged check, and nothing in other cells, comments or strings', () => {
    const nb = notebookOf([
      [`lab.check('setup', true);`],
      [`const acc: number = 0.9;\nlab.check('accuracy', acc > 0.8, \`got \${acc}\`);\nlab.check( 'loss', true ) // lab.check('commented', true)`, ['check']],
      [`/* lab.check('in a block comment', 1) */ const s = "lab.check('in a string', 1)";\nlab.check('third', s.length > 0);`, ['check', 'other']],
    ]);
    expect(countChecks(nb)).toBe(3);
  });

  it('still counts calls in TypeScript the tokenizer cannot read, and counts a broken notebook as none', () => {
    expect(countCheckCalls(`@decorator class A {}\nlab.check('a', true); // lab.check('b', true)`)).toBe(1);
    expect(countChecks('{ not json')).toBe(0);
    expect(countChecks('{"cells": 5}')).toBe(0);
  });

  it('reads each check’s name where the source spells it out', () => {
    expect(checkCalls(`lab.check('a', true); lab.check(\`b\`, true); lab.check(\`c \${1}\`, true); lab.check(name, true); lab.check("d", 1)`)).toEqual(['a', 'b', null, null, 'd']);
  });
});
