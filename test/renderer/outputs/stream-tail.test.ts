import { describe, expect, it } from 'vitest';
import { streamTail } from '../../../renderer/src/outputs/stream-tail';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `step ${i}\n`).join('');

describe('the drawn tail of a long stream output', () => {
  it('keeps a short output whole', () => {
    expect(streamTail(lines(3), 3)).toEqual({ shown: lines(3), hiddenLines: 0 });
    expect(streamTail('no newline', 1)).toEqual({ shown: 'no newline', hiddenLines: 0 });
    expect(streamTail('', 1)).toEqual({ shown: '', hiddenLines: 0 });
  });

  it('draws the last lines and counts the ones left out', () => {
    expect(streamTail(lines(5), 2)).toEqual({ shown: 'step 3\nstep 4\n', hiddenLines: 3 });
    expect(streamTail('a\nb\nc', 2)).toEqual({ shown: 'b\nc', hiddenLines: 1 });
  });

  it('also keeps under a size limit, from a line start, or cuts a single huge line', () => {
    expect(streamTail(lines(100), 1000, 20)).toEqual({ shown: 'step 98\nstep 99\n', hiddenLines: 98 });
    const huge = 'x'.repeat(100);
    expect(streamTail(huge, 10, 30)).toEqual({ shown: 'x'.repeat(30), hiddenLines: 1 });
  });
});
