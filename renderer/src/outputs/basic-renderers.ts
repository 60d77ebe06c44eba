/** Renderers for text, markdown, HTML and images. */
import DOMPurify from 'dompurify';
import { renderAnsi } from './ansi';
import { mountHtmlFrame } from './html-frame';
import { renderMarkdown } from './markdown';
import { text, type OutputRenderer } from './registry';

export const plainText: OutputRenderer = {
  mimeTypes: ['text/plain'],
  rank: 0,
  safe: true,
  render(host, data) {
    const pre = document.createElement('pre');
    renderAnsi(pre, text(data));
    host.append(pre);
  },
};

export const markdownText: OutputRenderer = {
  mimeTypes: ['text/markdown'],
  rank: 50,
  safe: true,
  render(host, data) {
    const div = document.createElement('div');
    renderMarkdown(div, text(data));
    host.append(div);
  },
};

/**
 * HTML is drawn in the page sanitized. What the sanitizer would strip (scripts, event handlers,
 * embedded frames) is dropped in an untrusted notebook, with a note saying so; in a trusted one
 * the output is shown as it is, scripts included, in a sandboxed frame apart from the app (see
 * html-frame.ts). HTML with nothing to strip stays in the page either way: cheap, and it takes
 * the notebook's fonts and colours.
 */
export const html: OutputRenderer = {
  mimeTypes: ['text/html'],
  rank: 60,
  safe: true,
  render(host, data, ctx) {
    const source = text(data);
    const div = document.createElement('div');
    div.className = 'html-output';
    div.innerHTML = DOMPurify.sanitize(source, ctx.trusted ? { ADD_TAGS: ['style'] } : { FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'] });
    if (DOMPurify.removed.length > 0 && ctx.trusted) return mountHtmlFrame(host, source);
    host.append(div);
    if (DOMPurify.removed.some(isActive))
      host.append(
        Object.assign(document.createElement('p'), {
          className: 'html-stripped muted',
          textContent: 'Scripts and other active parts of this HTML were left out: this notebook is not trusted. Notebooks of trusted lab packs run them, apart from the app.',
        }),
      );
  },
};

/** Whether a part the sanitizer removed would have run code: a script, a frame or object, an on... handler, a javascript: link. */
function isActive(removed: { element?: Node; attribute?: Attr | null }): boolean {
  if (removed.attribute) return /^on/i.test(removed.attribute.name) || /^\s*javascript:/i.test(removed.attribute.value);
  return /^(script|iframe|frame|object|embed)$/i.test(removed.element?.nodeName ?? '');
}
/** Raster and vector images; SVG goes in an <img>, where it cannot run script. */
export const image: OutputRenderer = {
  mimeTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/svg+xml'],
  rank: 70,
  safe: true,
  render(host, data, ctx, mime) {
    const img = document.createElement('img');
    const body = text(data);
    img.src = mime === 'image/svg+xml' ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(body)}` : `data:${mime};base64,${body.replace(/\s/g, '')}`;
    const meta = (ctx.metadata[mime] ?? {}) as { width?: number; height?: number };
    if (meta.width) img.width = meta.width;
    if (meta.height) img.height = meta.height;
    img.alt = 'image output';
    host.append(img);
  },
};
