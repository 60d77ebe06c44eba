/**
 * One nbformat output on screen: stream text with ANSI colours, an error with its traceback, or
 * a MIME bundle drawn by the best renderer in the registry. Renders return a handle so a
 * display updated in place (update_display_data) redraws without flicker.
 */
import type { NotebookOutput } from '../../../main/api';
import { renderAnsi } from './ansi';
import { streamTail } from './stream-tail';
import { html, image, markdownText, plainText } from './basic-renderers';
import { check } from './check-renderer';
import { plotlyFigure } from './plotly-renderer';
import { progress } from './progress-renderer';
import { RendererRegistry, text, type MountedOutput, type OutputRenderer, type RenderContext } from './registry';
import { json, table } from './table-renderer';
import { tensor } from './tensor-renderer';

export function defaultRegistry(): RendererRegistry {
  return new RendererRegistry().add(plotlyFigure).add(check).add(tensor).add(table).add(progress).add(image).add(html).add(markdownText).add(json).add(plainText);
}

export class OutputView {
  readonly element: HTMLElement;
  private mounted: MountedOutput | void = undefined;
  private renderer: OutputRenderer | undefined;
  private mime: string | undefined;
  private disposed = false;
  /** A long stream output is drawn whole once asked ("Show all"); until then its last lines. */
  private wholeStream = false;

  constructor(
    private output: NotebookOutput,
    private readonly registry: RendererRegistry,
    private readonly ctx: RenderContext,
  ) {
    this.element = document.createElement('div');
    this.element.className = `output output-${output.output_type}`;
    this.draw();
  }

  private draw(): void {
    const o = this.output;
    this.element.replaceChildren();
    this.renderer = undefined;
    switch (o.output_type) {
      case 'stream': {
        const pre = document.createElement('pre');
        pre.className = o.name;
        const all = text(o.text);
        const { shown, hiddenLines } = this.wholeStream ? { shown: all, hiddenLines: 0 } : streamTail(all);
        if (hiddenLines > 0) {
          const more = Object.assign(document.createElement('button'), { className: 'link', textContent: 'Show all' });
          more.addEventListener('click', () => {
            this.wholeStream = true;
            this.draw();
          });
          const note = Object.assign(document.createElement('div'), { className: 'stream-hidden muted' });
          note.append(`… ${hiddenLines.toLocaleString('en')} earlier line${hiddenLines === 1 ? '' : 's'} not shown. `, more);
          this.element.append(note);
        }
        renderAnsi(pre, shown);
        this.element.append(pre);
        return;
      }
      case 'error': {
        const pre = document.createElement('pre');
        pre.className = 'traceback';
        const head = document.createElement('strong');
        head.className = 'ename';
        head.textContent = `${o.ename}: ${o.evalue}`;
        pre.append(head, '\n');
        renderAnsi(pre, o.traceback.join('\n'));
        this.element.append(pre);
        return;
      }
      default: {
        const picked = this.registry.pick(o.data, this.ctx.trusted);
        if (!picked) {
          this.element.append(Object.assign(document.createElement('pre'), { className: 'muted', textContent: `No renderer for ${Object.keys(o.data).join(', ') || 'an empty output'}` }));
          return;
        }
        this.renderer = picked.renderer;
        this.mime = picked.mime;
        const ctx = { ...this.ctx, metadata: o.metadata ?? {} };
        const result = picked.renderer.render(this.element, o.data[picked.mime], ctx, picked.mime);
        if (result instanceof Promise) {
          result.then(
            (m) => {
              if (this.disposed) m?.dispose?.();
              else this.mounted = m;
            },
            (err) => this.element.append(Object.assign(document.createElement('pre'), { className: 'stderr', textContent: `Could not render ${picked.mime}: ${(err as Error).message}` })),
          );
        } else this.mounted = result;
      }
    }
  }

  /** Shows a new version of the output, in place when the same renderer can update itself. */
  update(output: NotebookOutput): void {
    const prev = this.output;
    this.output = output;
    if (
      this.mounted?.update &&
      prev.output_type !== 'stream' &&
      prev.output_type !== 'error' &&
      output.output_type === prev.output_type &&
      this.mime &&
      (output as { data: Record<string, unknown> }).data[this.mime] !== undefined
    ) {
      this.mounted.update((output as { data: Record<string, unknown> }).data[this.mime]);
      return;
    }
    this.mounted?.dispose?.();
    this.mounted = undefined;
    this.element.className = `output output-${output.output_type}`;
    this.draw();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.mounted?.dispose?.();
    this.element.remove();
  }
}
