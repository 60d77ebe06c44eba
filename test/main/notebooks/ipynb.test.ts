import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinLabsDir } from '../../../main/paths';
import { NotebookFormatError, parseIpynb, serializeIpynb, splitLines, foreignLanguage } from '../../../main/notebooks/ipynb';

let n = 0;
const newId = () => `gen-${++n}`;
const nb = (cells: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells, ...extra });

describe('.ipynb files', () => {
  it('writes an untouched built-in notebook back with the same content, and a Jupyter-layout file byte for byte', () => {
    const file = `${builtinLabsDir()}/01-software-2/software-2.ipynb`;
    const text = readFileSync(file, 'utf8');
    const written = serializeIpynb(parseIpynb(text, file, newId));
    expect(JSON.parse(written)).toEqual(JSON.parse(text));
    // Jupyter's layout: sorted keys, one-space indent, final newline
    expect(serializeIpynb(parseIpynb(written, file, newId))).toBe(written);
    expect(written).toMatch(/^{\n "cells": \[\n  {\n   "cell_type"/);
  });

  it('keeps the nbformat content of an untouched notebook written in another layout', () => {
    const original = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'x', language: 'typescript' }, custom: { a: [1, 2] } },
      cells: [
        { cell_type: 'markdown', id: 'm1', metadata: {}, source: 'one string\nnot split', attachments: { 'a.png': { 'image/png': 'iVBOR' } } },
        {
          cell_type: 'code',
          id: 'c1',
          metadata: { tags: ['check'] },
          source: ['odd', ' split\n', 'lines'],
          execution_count: 3,
          outputs: [
            { output_type: 'stream', name: 'stdout', text: ['a\n', 'b'] },
            { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': ['42'], 'application/vnd.plotly.v1+json': { data: [{ y: [1] }] } }, metadata: {} },
            { output_type: 'error', ename: 'TypeError', evalue: 'x', traceback: ['at cell'] },
          ],
        },
      ],
    };
    const written = JSON.parse(serializeIpynb(parseIpynb(JSON.stringify(original), 'a.ipynb', newId)));
    expect(written).toEqual(original);
  });

  it('gives cells of an nbformat 4.4 file ids and writes it as 4.5', () => {
    const parsed = parseIpynb(JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [{ cell_type: 'code', metadata: {}, source: 'x', outputs: [], execution_count: null }] }), 'old.ipynb', newId);
    expect(parsed.cells[0].id).toMatch(/^gen-/);
    const out = JSON.parse(serializeIpynb(parsed));
    expect(out.nbformat_minor).toBe(5);
    expect(out.cells[0].id).toBe(parsed.cells[0].id);
  });

  it('gives a 4.5 cell without an id a fresh one, as Jupyter normalizes such files', () => {
    const parsed = parseIpynb(nb([{ cell_type: 'markdown', metadata: {}, source: 'x' }, { cell_type: 'markdown', id: 'kept', metadata: {}, source: 'y' }]), 'hand.ipynb', newId);
    expect(parsed.cells.map((c) => c.id)).toEqual([expect.stringMatching(/^gen-/), 'kept']);
  });

  it('stores edited source as lines that keep their line ends, as Jupyter does', () => {
    expect(splitLines('a\nb\n\nc')).toEqual(['a\n', 'b\n', '\n', 'c']);
    expect(splitLines('')).toEqual([]);
  });

  it.each([
    ['not json', '{', /is not valid JSON/],
    ['nbformat 3', JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] }), /nbformat must be 4.*got number 3/],
    ['a bad cell type', nb([{ cell_type: 'heading', id: 'a', metadata: {}, source: '' }]), /cells\[0\]\.cell_type must be one of code, markdown, raw, got the string "heading"/],
    ['an id that is not a string', nb([{ cell_type: 'markdown', id: null, metadata: {}, source: '' }]), /cells\[0\]\.id must be 1-64 letters, digits, "-" or "_", got null/],
    ['an id with other characters', nb([{ cell_type: 'markdown', id: 'a b', metadata: {}, source: '' }]), /cells\[0\]\.id must be/],
    ['a repeated id', nb([{ cell_type: 'markdown', id: 'a', metadata: {}, source: '' }, { cell_type: 'markdown', id: 'a', metadata: {}, source: '' }]), /cells\[1\]\.id repeats/],
    ['a bad output', nb([{ cell_type: 'code', id: 'a', metadata: {}, source: '', execution_count: null, outputs: [{ output_type: 'stream', name: 'stdin', text: '' }] }]), /cells\[0\]\.outputs\[0\]\.name must be "stdout" or "stderr"/],
    ['a bad traceback', nb([{ cell_type: 'code', id: 'a', metadata: {}, source: '', execution_count: null, outputs: [{ output_type: 'error', ename: 'E', evalue: '', traceback: 'x' }] }]), /traceback must be a list of strings/],
    ['source that is a number', nb([{ cell_type: 'code', id: 'a', metadata: {}, source: 5, execution_count: null, outputs: [] }]), /cells\[0\]\.source must be a string or a list of strings, got number 5/],
  ])('refuses %s, naming the field', (_name, text, message) => {
    expect(() => parseIpynb(text, 'bad.ipynb', newId)).toThrow(NotebookFormatError);
    expect(() => parseIpynb(text, 'bad.ipynb', newId)).toThrow(message);
    expect(() => parseIpynb(text, 'bad.ipynb', newId)).toThrow(/bad\.ipynb/);
  });

  it('tells a Python notebook from a TypeScript one', () => {
    expect(foreignLanguage({ kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } })).toBe('python (kernel "Python 3")');
    expect(foreignLanguage({ language_info: { name: 'typescript' } })).toBeNull();
    expect(foreignLanguage({})).toBeNull();
  });
});
