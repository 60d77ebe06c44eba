import { describe, expect, it } from 'vitest';
import { withTitleObjects } from '../../../renderer/src/outputs/plotly-titles';

describe('Plotly titles', () => {
  it('turns string titles of the figure, its axes, legend and colour bars into the object form plotly.js 4 draws', () => {
    const layout = { title: 'Loss', xaxis: { title: 'epoch', range: [0, 1] }, yaxis2: { title: { text: 'kept', font: { size: 9 } } }, legend: { title: 'runs' }, scene: { zaxis: { title: 'z' } } };
    expect(withTitleObjects(layout)).toEqual({ title: { text: 'Loss' }, xaxis: { title: { text: 'epoch' }, range: [0, 1] }, yaxis2: { title: { text: 'kept', font: { size: 9 } } }, legend: { title: { text: 'runs' } }, scene: { zaxis: { title: { text: 'z' } } } });
    const data = [{ type: 'heatmap', z: [[1]], text: ['title'], colorbar: { title: 'count' } }];
    expect(withTitleObjects(data)).toEqual([{ type: 'heatmap', z: [[1]], text: ['title'], colorbar: { title: { text: 'count' } } }]);
  });

  it('passes data columns on as they are, without copying them', () => {
    const x = [1, 2, 3];
    const y = new Float32Array([4, 5, 6]);
    const [trace] = withTitleObjects([{ type: 'scatter', x, y }]);
    expect(trace.x).toBe(x);
    expect(trace.y).toBe(y);
  });

  it('leaves the figure it was given unchanged', () => {
    const layout = { title: 'Loss' };
    withTitleObjects(layout);
    expect(layout).toEqual({ title: 'Loss' });
  });
});
