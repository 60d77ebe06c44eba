/** Renderers for text, markdown, HTML and images. */
import DOMPurify from 'dompurify';
import { renderAnsi } from './ansi';
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
 * HTML is sanitized in every notebook. Scripts never run: the app's Content-Security-Policy
 * forbids inline script everywhere, so a trusted notebook gets the richer subset (forms, styles)
 * but not script; interactive figures use the Plotly renderer instead.
 */
export const html: OutputRenderer = {
  mimeTypes: ['text/html'],
  rank: 60,
  safe: true,
  render(host, data, ctx) {
    const div = document.createElement('div');
    div.className = 'html-output';
    div.innerHTML = DOMPurify.sanitize(text(data), ctx.trusted ? { ADD_TAGS: ['style'], FORBID_TAGS: ['script'] } : { FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'] });
    host.append(div);
  },
};

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
