import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLabpack, signPackFolder } from '../../main/packs/author';
import { generateSigningKey } from '../../main/packs/signature';
import { readPackFolder } from '../../main/packs/folder-source';
import { DEFAULT_LIMITS } from '../../main/packs/limits';
import { readSubmission } from '../../main/packs/submission';
import { notebookChecks } from '../../main/packs/check-cells';
import { builtinLabsDir } from '../../main/paths';
import { startBrowserMode, type BrowserModeHarness } from '../helpers/browser-mode';
import { launchChromium, type LaunchedBrowser } from '../helpers/chromium';
import { notebook, packZip, tempDir, writePackFolder } from '../main/packs/fixtures';

let h: BrowserModeHarness;
let chrome: LaunchedBrowser;
let files: string;
beforeAll(async () => {
  h = await startBrowserMode();
  chrome = await launchChromium();
  files = tempDir();
  mkdirSync('test-results', { recursive: true });
});
afterAll(async () => {
  await chrome?.close();
  await h?.close();
  rmSync(files, { recursive: true, force: true });
});

async function labpack(name: string, spec: Parameters<typeof writePackFolder>[1]): Promise<string> {
  const dir = writePackFolder(join(files, name), spec);
  const path = join(files, `${name}.labpack`);
  writeFileSync(path, (await buildLabpack(await readPackFolder(dir, DEFAULT_LIMITS))).bytes);
  return path;
}

async function openLibrary() {
  const page = await chrome.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(h.server.urlWithToken);
  await page.locator('[data-pack-id="software-2"]').waitFor();
  return { page, errors };
}

describe('lab packs in the library, in Chromium', () => {
  it('imports a .labpack from the file picker, opens it restricted, and trusts it after asking', async () => {
    const { page, errors } = await openLibrary();
    const file = await labpack('picked', { id: 'picked-lab', title: 'Picked lab', files: { 'picked-lab.ipynb': notebook('Picked', '1', 2), 'data/points.csv': 'x,y\n1,2\n3,4\n' } });
    await page.locator('[data-testid="pack-file-input"]').setInputFiles(file);
    await page.getByRole('status').filter({ hasText: 'Imported “Picked lab” 1.0.0' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('It is unsigned, so it opens restricted until you trust it.');
    const card = page.locator('[data-pack-id="picked-lab"]');
    await card.waitFor();
    expect(await card.locator('.badge.restricted').count()).toBe(1);
    expect(await card.locator('.restricted-note').textContent()).toMatch(/cells do not run until you trust it/);
    expect(await card.locator('.lab-progress').textContent()).toBe('0 of 2 checks passed');
    expect(existsSync(join(h.workspaceDir, 'packs', 'picked-lab', 'demo-lab.ipynb'))).toBe(false);
    expect(readdirSync(join(h.workspaceDir, 'packs', 'picked-lab')).sort()).toEqual(['data', 'labpack.json', 'picked-lab.ipynb']);
    await page.screenshot({ path: 'test-results/packs-restricted.png' });

    await card.getByRole('button', { name: 'Trust…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/It is not signed, so nobody vouches/);
    await page.screenshot({ path: 'test-results/packs-trust-dialog.png' });
    // Cancel is the default: Escape closes without trusting
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await card.locator('.badge.restricted').count()).toBe(1);

    await card.getByRole('button', { name: 'Trust…' }).click();
    await page.getByRole('button', { name: 'Trust and allow cells to run' }).click();
    await page.locator('[data-pack-id="picked-lab"]:not(.restricted)').waitFor();
    expect(await page.locator('[data-pack-id="picked-lab"] .badge.restricted').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('imports a .labpack dropped on the window', async () => {
    const { page, errors } = await openLibrary();
    const bytes = packZip({ id: 'dropped-lab', title: 'Dropped lab', files: { 'dropped-lab.ipynb': '{"cells":[]}' } });
    await page.evaluate(
      async ({ b64 }) => {
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([data], 'dropped.labpack'));
        for (const type of ['dragenter', 'dragover']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { b64: bytes.toString('base64') },
    );
    await page.locator('[data-pack-id="dropped-lab"]').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Imported “Dropped lab” 1.0.0');
    expect(await page.locator('main').getAttribute('class')).not.toContain('dragging');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hands in a lab: asks for a name, writes a .labsub into the workspace and downloads it', async () => {
    const { page, errors } = await openLibrary();
    const card = page.locator('[data-pack-id="software-2"]');
    await card.getByRole('button', { name: 'Hand in…' }).click();
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.screenshot({ path: 'test-results/packs-hand-in.png' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export hand-in file' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^software-2-ada-lovelace-\d{8}-\d{4}\.labsub$/);
    await page.getByRole('status').filter({ hasText: 'Give this file to your instructor' }).waitFor();
    const saved = readdirSync(join(h.workspaceDir, 'submissions'));
    expect(saved).toEqual([download.suggestedFilename()]);
    const { submission } = await readSubmission(readFileSync(join(h.workspaceDir, 'submissions', saved[0])), saved[0]);
    expect(submission).toMatchObject({ attendee: 'Ada Lovelace', pack: { id: 'software-2' } });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a lab’s progress on its card: checks passed of total, last opened and time spent', async () => {
    const ws = h.workspace;
    await ws.dispatcher.call('packs.import', [writePackFolder(join(files, 'worked'), { id: 'worked-lab', title: 'Worked lab', files: { 'worked-lab.ipynb': notebook('Worked', '1', 3) } })]);
    // twenty minutes of work an hour ago (three actions, five to eight minutes apart), then a pause
    const t = Date.now() - 60 * 60_000;
    ws.store.activity.opened('worked-lab', t);
    ws.store.activity.touched('worked-lab', t + 8 * 60_000);
    ws.store.activity.touched('worked-lab', t + 14 * 60_000);
    ws.store.activity.touched('worked-lab', t + 20 * 60_000);
    ws.store.runs.recordCheck({ labId: 'worked-lab', checkId: 'check 0', status: 'passed' });
    ws.store.runs.recordCheck({ labId: 'worked-lab', checkId: 'check 1', status: 'failed' });
    // opening one of its notebooks now (through the API the notebook view calls) marks the lab opened
    await ws.dispatcher.call('notebooks.open', [{ pack: 'worked-lab', notebook: 'worked-lab.ipynb' }]);
    const { page, errors } = await openLibrary();
    const card = page.locator('[data-pack-id="worked-lab"]');
    await card.waitFor();
    expect(await card.locator('.lab-progress').textContent()).toBe('1 of 3 checks passed · opened just now · 20 min spent');
    await card.screenshot({ path: 'test-results/packs-progress.png' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reads a folder of hand-ins into a results table for the instructor, and exports it as CSV', async () => {
    const ws = h.workspace;
    const names = notebookChecks(readFileSync(join(builtinLabsDir(), '01-software-2', 'software-2.ipynb'), 'utf8')) as string[];
    const inbox = join(files, 'hand-ins');
    mkdirSync(inbox, { recursive: true });
    // Grace re-ran the split with another seed: her row says so
    for (const [attendee, failing, split] of [['Ada', names[0], 7], ['Ben', names[0], 7], ['Grace', names[1], 8]] as const) {
      ws.store.activity.recordEnvironment('software-2', { seeds: { 'iris split': split } });
      for (const name of names.slice(0, 3)) ws.store.runs.recordCheck({ labId: 'software-2', checkId: name, status: name === failing ? 'failed' : 'passed' });
      const file = (await ws.dispatcher.call('packs.exportSubmission', ['software-2', attendee])) as { path: string; fileName: string };
      renameSync(file.path, join(inbox, file.fileName));
    }
    writeFileSync(join(inbox, 'broken.labsub'), 'not a zip');
    const { page, errors } = await openLibrary();
    await page.getByText('Hand-ins (for instructors)').click();
    await page.getByLabel('Folder').fill(inbox);
    await page.getByRole('button', { name: 'Read hand-ins' }).click();
    const rows = page.locator('.results-table tbody tr');
    await rows.first().waitFor();
    expect(await rows.locator('th').allTextContents()).toEqual(['Ada', 'Ben', 'Grace']);
    expect(await rows.locator('td.passed').allTextContents()).toEqual([`2/${names.length}`, `2/${names.length}`, `2/${names.length}`]);
    expect(await rows.locator('td.seeds').allTextContents()).toEqual(['iris split=7', 'iris split=7', 'iris split=8']);
    expect(await rows.locator('td.seeds-differ').allTextContents()).toEqual(['iris split=8']);
    expect(await page.locator('.hand-ins-status').textContent()).toMatch(/^3 hand-ins from .*, 1 skipped\.$/);
    expect(await page.locator('.hand-ins .problem').textContent()).toMatch(/^Skipped broken\.labsub: broken\.labsub is not a readable \.labsub \(zip\) file/);
    await page.locator('.hand-ins').screenshot({ path: 'test-results/packs-hand-ins.png' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('results.csv');
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^attendee,pack,version,submitted,passed,total,backend,seeds,file,/);
    expect(csv.slice(1, 4).map((l) => [l.split(',')[0], l.split(',')[7]])).toEqual([['Ada', 'iris split=7'], ['Ben', 'iris split=7'], ['Grace', 'iris split=8']]);
    await page.getByLabel('Folder').fill(join(files, 'no-such-folder'));
    await page.getByRole('button', { name: 'Read hand-ins' }).click();
    await page.locator('.hand-ins-results [role="alert"]').filter({ hasText: 'there is no folder there' }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trusts a signing key pasted in the keys panel, and a pack signed by it opens unrestricted', async () => {
    const { page, errors } = await openLibrary();
    await page.getByText(/Trusted signing keys \(\d+\)/).click();
    await page.locator('#add-key').fill('ed25519:not-a-key');
    await page.getByRole('button', { name: 'Trust this key' }).click();
    await page.locator('.key-error .problem').filter({ hasText: 'not an ed25519 public key' }).waitFor();

    const key = generateSigningKey();
    await page.locator('#add-key').fill(`${key.publicKey} ${key.keyId}`);
    await page.locator('#add-key-name').fill('Workshop instructor');
    await page.getByRole('button', { name: 'Trust this key' }).click();
    await page.locator(`[data-key-id="${key.keyId}"]`).waitFor();
    await page.screenshot({ path: 'test-results/packs-keys.png' });

    const dir = writePackFolder(join(files, 'signed'), { id: 'signed-lab', title: 'Signed lab' });
    await signPackFolder(dir, key.privateKeyPem, 'key');
    writeFileSync(join(files, 'signed.labpack'), (await buildLabpack(await readPackFolder(dir, DEFAULT_LIMITS))).bytes);
    await page.locator('[data-testid="pack-file-input"]').setInputFiles(join(files, 'signed.labpack'));
    await page.locator('[data-pack-id="signed-lab"]').waitFor();
    expect(await page.locator('[data-pack-id="signed-lab"]').getAttribute('class')).not.toContain('restricted');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a hostile pack with a clear message and installs nothing', async () => {
    const { page } = await openLibrary();
    const hostile = join(files, 'evil.labpack');
    writeFileSync(hostile, packZip({ id: 'evil-lab' }, (e) => [...e, { name: '../../escape.txt', data: 'gotcha' }]));
    await page.locator('[data-testid="pack-file-input"]').setInputFiles(hostile);
    const alert = page.locator('.import-error');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Could not import evil\.labpack: entry "\.\.\/\.\.\/escape\.txt" is not a safe path: it contains "\.\."/);
    expect(existsSync(join(h.workspaceDir, 'packs', 'evil-lab'))).toBe(false);
    expect(existsSync(join(h.workspaceDir, '..', 'escape.txt'))).toBe(false);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: 'test-results/packs-refused-dark.png' });
    await page.close();
  });
});
