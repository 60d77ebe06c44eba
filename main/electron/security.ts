/**
 * Electron hardening from Electron's security checklist, in one place: no navigation or new
 * windows outside the app's own pages (external http(s) links go to the system browser; an app
 * page may open another app page in its own window),
 * every permission request denied, and IPC accepted only from our own frames.
 */
import { app, session, shell, type BrowserWindowConstructorOptions, type IpcMainEvent, type WebContents } from 'electron';

/** True when `url` is one of the app's own pages (the built renderer, or the dev server). */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    const u = new URL(url);
    if (appOrigin === 'file://') return u.protocol === 'file:';
    return u.origin === appOrigin;
  } catch {
    return false;
  }
}

/**
 * `appWindow` gives the options of a window the app opens on one of its own pages (window.open of
 * an app URL, as a notebook's link to Annotate does): the same hardened preferences as the main
 * window, never inherited from whatever asked.
 */
export function hardenApp(appOrigin: string, log: (m: string) => void, appWindow: () => BrowserWindowConstructorOptions): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (isAppUrl(url, appOrigin)) return;
      event.preventDefault();
      log(`blocked navigation to ${url}`);
      openIfWeb(url);
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, appOrigin)) {
        event.preventDefault();
        log(`blocked redirect to ${url}`);
      }
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      log('blocked a <webview>');
    });
    contents.setWindowOpenHandler(({ url }) => {
      if (isAppUrl(url, appOrigin)) return { action: 'allow', overrideBrowserWindowOptions: appWindow() };
      openIfWeb(url);
      return { action: 'deny' };
    });
  });
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
      log(`denied permission request: ${permission}`);
      callback(false);
    });
    session.defaultSession.setPermissionCheckHandler(() => false);
  });
}

function openIfWeb(url: string): void {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:' || u.protocol === 'http:') void shell.openExternal(u.href);
  } catch {
    // not a URL: nothing to open
  }
}

/** IPC is accepted only from the main frame of our own pages. */
export function isTrustedSender(event: IpcMainEvent, appOrigin: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url, appOrigin);
}
