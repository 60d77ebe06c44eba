/**
 * The notebook in real Chromium against browser mode (the built renderer in out/renderer):
 *
 * notebook.open200.ms: from the route change to a 200-cell notebook with outputs rendered and the
 * editors in view ready for typing (median of runs on fresh pages; the first, cold run is reported
 * too). notebook.keystroke.p99_ms is in notebook-keystroke.bench.ts (`npm run bench -- notebook`
 * runs both).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { code, markdown, writeNotebook, type Cell } from '../e2e/notebook-helpers';
import { startBrowserMode } from '../helpers/browser-mode';
import { launchChromium } from '../helpers/chromium';
import { rendererDir } from '../../main/paths';
import { quantile, report } from './report';

if (!existsSync(join(rendererDir(), 'index.html'))) {
  console.error('notebook bench: out/renderer is missing; run `npm run build` first');
  process.exit(1);
}

function bigNotebook(): Cell[] {
  const cells: Cell[] = [];
  for (let i = 0; i < 200; i++) {
    if (i % 4 === 0) {
      cells.push(markdown(`m${i}`, `## Step ${i / 4}\n\nThe loss $L = \\frac{1}{n}\\sum_i (y_i - \\hat y_i)^2$ falls as the model learns. *Try* changing the **learning rate**.`));
      continue;
    }
    const src = `// cell ${i}\nconst x${i} = tf.tensor2d([[1, 2], [3, 4]]);\nconst y${i} = x${i}.matMul(x${i}).add(${i});\nconsole.log(\`step ${i}\`, y${i}.shape);\ny${i}`;
    const outputs: unknown[] = [{ output_type: 'stream', name: 'stdout', text: `step ${i} [ 2, 2 ]\n`.repeat(1 + (i % 5)) }];
    if (i % 10 === 1) outputs.push({ output_type: 'execute_result', execution_count: i, data: { 'application/json': Array.from({ length: 20 }, (_, r) => ({ row: r, loss: 1 / (r + 1), acc: r / 20 })), 'text/plain': 'table' }, metadata: {} });
    else if (i % 50 === 2) outputs.push({ output_type: 'display_data', data: { 'application/vnd.plotly.v1+json': { data: [{ type: 'scatter', y: Array.from({ length: 50 }, (_, k) => Math.exp(-k / 10)) }], layout: { title: { text: `loss ${i}` } } }, 'text/plain': 'fig' }, metadata: {} });
    else outputs.push({ output_type: 'execute_result', execution_count: i, data: { 'text/plain': `Tensor [[${i + 7}, ${i + 10}], [${i + 15}, ${i + 22}]]` }, metadata: {} });
    cells.push(code(`c${i}`, src, outputs, i));
  }
  return cells;
}

const h = await startBrowserMode();
const chrome = await launchChromium();
writeNotebook(h.workspaceDir, 'big.ipynb', bigNotebook());

const opens: number[] = [];
for (let run = 0; run < 6; run++) {
  const page = await chrome.browser.newPage();
  await page.goto(h.server.urlWithToken);
  await page.waitForSelector('.pack-card');
  // the app has started and idled (it preloads the editor then), as before a person's first click
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1500);
  const ms = await page.evaluate(async () => {
    const t0 = performance.now();
    location.hash = '#/notebook?path=big.ipynb';
    await new Promise<void>((resolve) => {
      const poll = () => (document.querySelector('.notebook[data-editors="ready"]') ? resolve() : requestAnimationFrame(poll));
      poll();
    });
    // until the frame showing it is painted
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t0;
  });
  if ((await page.locator('.cells > .cell').count()) !== 200) throw new Error('the 200-cell notebook did not render all its cells');
  opens.push(ms);
  await page.close();
  await h.workspace.notebooks.close('big.ipynb', { discard: true });
}
report('notebook.open200.ms', quantile(opens.slice(1), 0.5), 'ms', { cold_ms: Math.round(opens[0]), runs: opens.length - 1, target: 1000 });

await chrome.close();
await h.close();
