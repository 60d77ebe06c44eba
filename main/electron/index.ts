/**
 * The Electron shell: a thin layer over the same workspace services browser mode uses. It owns
 * the window, the hardening and the IPC transport; everything else is in main/.
 */
import { app, BrowserWindow, dialog, nativeTheme, shell, type BrowserWindowConstructorOptions } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinLabsDir, defaultWorkspaceDir, rendererDir } from '../paths';
import { createWorkspace, type Workspace } from '../workspace';
import { serveIpc } from './ipc';
import { hardenApp } from './security';
import { utilityKernelLauncher } from './utility-launcher';

const log = (m: string) => console.error(`[mlsys-lab] ${m}`);
const devServer = process.env['ELECTRON_RENDERER_URL'];
const appOrigin = devServer ? new URL(devServer).origin : 'file://';

/** Every app window's options: the main window's, and those of app pages opened beside it (Annotate from a lab's link). */
function appWindowOptions(): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    title: 'mlsys-lab',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1e1e' : '#ffffff',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  };
}

hardenApp(appOrigin, log, appWindowOptions);

let workspace: Workspace | undefined;

/**
 * The notebook view refuses to unload with unsaved work that autosave will not save (autosave
 * off); Electron then keeps the window silently unless asked, so ask, as a browser does.
 */
function promptBeforeUnload(win: BrowserWindow): void {
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Leave without saving', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'A notebook has unsaved changes.',
      detail: 'Autosave is off. Stay and press Ctrl+S to save them, or leave and lose them.',
    });
    if (choice === 0) event.preventDefault();
  });
}
app.on('browser-window-created', (_event, win) => promptBeforeUnload(win));

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({ ...appWindowOptions(), show: false });
  win.once('ready-to-show', () => win.show());
  if (devServer) void win.loadURL(devServer);
  else void win.loadURL(pathToFileURL(join(rendererDir(), 'index.html')).href);
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.whenReady().then(() => {
    workspace = createWorkspace({
      workspaceDir: process.env.MLSYS_LAB_HOME ? defaultWorkspaceDir() : join(app.getPath('userData'), 'workspace'),
      labsDir: builtinLabsDir(),
      mode: 'electron',
      openExternal: (url) => shell.openExternal(url),
      log,
      kernelLauncher: utilityKernelLauncher,
    });
    serveIpc(workspace.dispatcher, appOrigin, log);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed || !workspace) return;
    event.preventDefault();
    disposed = true;
    void workspace.dispose().finally(() => app.quit());
  });
}
