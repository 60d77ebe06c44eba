/**
 * A trusted notebook's HTML output that has scripts (or anything else the sanitizer would strip)
 * runs in a frame apart from the app: output-frame.html (renderer/public), loaded in an
 * <iframe sandbox="allow-scripts"> without allow-same-origin, so the output gets an opaque origin
 * and its own Content-Security-Policy (inline script, nothing fetched). It can reach neither the
 * app's page nor its API; it only tells the view its height. The same file serves browser mode
 * (over HTTP, beside index.html) and Electron (a file: URL beside index.html).
 */
import type { MountedOutput } from './registry';

/** Beside index.html in the built renderer; main/web/server.ts serves it with frame-ancestors 'self'. */
export const OUTPUT_FRAME = 'output-frame.html';

/** Tall enough for a widget or a table; anything longer scrolls inside the frame. */
const MAX_HEIGHT = 2000;

export function mountHtmlFrame(host: HTMLElement, html: string): MountedOutput {
  const frame = document.createElement('iframe');
  frame.className = 'html-frame';
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.title = 'HTML output (its scripts run apart from the app)';
  frame.style.height = '24px';
  const onMessage = (e: MessageEvent) => {
    // only this frame's messages, and only the two it may send; everything else is ignored
    if (e.source !== frame.contentWindow || e.origin !== 'null') return;
    const data = e.data as { type?: unknown; height?: unknown } | null;
    if (data?.type === 'mlsys-lab:frame-ready') frame.contentWindow?.postMessage({ type: 'mlsys-lab:frame-html', html }, '*');
    else if (data?.type === 'mlsys-lab:frame-height' && typeof data.height === 'number' && Number.isFinite(data.height))
      frame.style.height = `${Math.min(Math.max(Math.ceil(data.height), 16), MAX_HEIGHT)}px`;
  };
  window.addEventListener('message', onMessage);
  frame.src = new URL(OUTPUT_FRAME, document.baseURI).href;
  host.append(frame);
  return {
    dispose() {
      window.removeEventListener('message', onMessage);
      frame.remove();
    },
  };
}
