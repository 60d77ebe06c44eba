/**
 * Output renderers chosen by MIME type, as JupyterLab does: each renderer says which MIME types it
 * takes, its rank (the richest representation wins), and whether it is safe for an untrusted
 * notebook. text/plain is the fallback every bundle should carry.
 */
import type { MimeBundle } from '../../../main/api';

export interface RenderContext {
  /** Whether the notebook is trusted (HTML may then keep more than the sanitizer's safe subset). */
  trusted: boolean;
  metadata: Record<string, unknown>;
}

/** What a mounted output holds on to; `update` redraws in place (update_display_data). */
export interface MountedOutput {
  update?(data: unknown): void;
  dispose?(): void;
}

export interface OutputRenderer {
  readonly mimeTypes: readonly string[];
  /** Higher wins when a bundle has several representations. */
  readonly rank: number;
  /** Whether it may render data from an untrusted notebook. */
  readonly safe: boolean;
  /** A renderer may decline data of its MIME type (a JSON value that is not a table). */
  accepts?(mime: string, data: unknown): boolean;
  render(host: HTMLElement, data: unknown, ctx: RenderContext, mime: string): MountedOutput | void | Promise<MountedOutput | void>;
}

export class RendererRegistry {
  private readonly renderers: OutputRenderer[] = [];

  add(renderer: OutputRenderer): this {
    this.renderers.push(renderer);
    this.renderers.sort((a, b) => b.rank - a.rank);
    return this;
  }

  /** The best renderer for a bundle, and the MIME type it will render. */
  pick(bundle: MimeBundle, trusted: boolean): { renderer: OutputRenderer; mime: string } | undefined {
    for (const renderer of this.renderers) {
      if (!trusted && !renderer.safe) continue;
      const mime = renderer.mimeTypes.find((m) => bundle[m] !== undefined && (renderer.accepts?.(m, bundle[m]) ?? true));
      if (mime) return { renderer, mime };
    }
    return undefined;
  }
}

/** nbformat text: one string, or lines. */
export function text(data: unknown): string {
  return Array.isArray(data) ? data.join('') : typeof data === 'string' ? data : JSON.stringify(data, null, 2);
}
