/**
 * Markdown to safe HTML, with math: `$...$` inline and `$$...$$` display, typeset by KaTeX. The
 * result always goes through DOMPurify, so a notebook's markdown can never run script.
 */
import DOMPurify from 'dompurify';
import katex from 'katex';
import { Marked, type TokenizerAndRendererExtension } from 'marked';
import 'katex/dist/katex.min.css';

const tex = (text: string, displayMode: boolean) => katex.renderToString(text, { displayMode, throwOnError: false, output: 'html' });

const mathBlock: TokenizerAndRendererExtension = {
  name: 'mathBlock',
  level: 'block',
  start: (src) => src.indexOf('$$'),
  tokenizer(src) {
    const m = /^\$\$([\s\S]+?)\$\$[^\S\n]*(?:\n|$)/.exec(src);
    return m ? { type: 'mathBlock', raw: m[0], text: m[1].trim() } : undefined;
  },
  renderer: (token) => `<div class="math-display">${tex(token.text as string, true)}</div>`,
};

const mathInline: TokenizerAndRendererExtension = {
  name: 'mathInline',
  level: 'inline',
  start: (src) => src.indexOf('$'),
  tokenizer(src) {
    const m = /^\$\$([^$]+?)\$\$|^\$(?!\s)((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/.exec(src);
    if (!m) return undefined;
    return { type: 'mathInline', raw: m[0], text: m[1] ?? m[2], display: m[1] !== undefined };
  },
  renderer: (token) => tex(token.text as string, Boolean(token.display)),
};

const marked = new Marked({ gfm: true, breaks: false, extensions: [mathBlock, mathInline] });

export function markdownToHtml(source: string): string {
  return DOMPurify.sanitize(marked.parse(source, { async: false }) as string);
}

export function renderMarkdown(host: HTMLElement, source: string): void {
  host.classList.add('markdown');
  host.innerHTML = markdownToHtml(source);
}
