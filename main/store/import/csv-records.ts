/**
 * A streaming CSV/TSV record splitter (RFC 4180 quoting: quoted fields may hold the delimiter,
 * doubled quotes and newlines). Text without quotes takes a fast path of plain splits, which is
 * what large numeric files are.
 */
export interface CsvRecord {
  /** The 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

export class CsvRecordSplitter {
  private rest = '';
  private line = 1;
  private first = true;

  constructor(private readonly delimiter: string) {}

  /** Records completed by this chunk; an incomplete last record waits for the next chunk. */
  push(chunk: string): CsvRecord[] {
    let text = this.rest + chunk;
    if (this.first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length) this.first = false;
    }
    return this.split(text, false);
  }

  /** The last record, when the file does not end with a newline. */
  end(): CsvRecord[] {
    const text = this.rest;
    this.rest = '';
    return text.length ? this.split(text, true) : [];
  }

  private split(text: string, final: boolean): CsvRecord[] {
    if (text.indexOf('"') === -1) return this.splitPlain(text, final);
    return this.splitQuoted(text, final);
  }

  private splitPlain(text: string, final: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    const end = final ? text.length : text.lastIndexOf('\n') + 1;
    this.rest = text.slice(end);
    let start = 0;
    while (start < end) {
      let nl = text.indexOf('\n', start);
      if (nl === -1 || nl >= end) nl = end;
      let stop = nl;
      if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
      if (stop > start) out.push({ line: this.line, fields: text.slice(start, stop).split(this.delimiter) });
      this.line++;
      start = nl + 1;
    }
    return out;
  }

  private splitQuoted(text: string, final: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    const d = this.delimiter.charCodeAt(0);
    const n = text.length;
    let fields: string[] = [];
    let field = '';
    let inQuotes = false;
    let line = this.line;
    let recordLine = line;
    let lastEnd = 0;
    scan: for (let j = 0; j < n; j++) {
      const c = text.charCodeAt(j);
      if (inQuotes) {
        if (c === 34) {
          if (j + 1 >= n && !final) break scan; // a doubled quote may follow in the next chunk
          if (text.charCodeAt(j + 1) === 34) {
            field += '"';
            j++;
          } else inQuotes = false;
        } else {
          if (c === 10) line++;
          field += text[j];
        }
        continue;
      }
      if (c === 34 && field === '') inQuotes = true;
      else if (c === d) {
        fields.push(field);
        field = '';
      } else if (c === 10) {
        fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
        if (!(fields.length === 1 && fields[0] === '')) out.push({ line: recordLine, fields });
        fields = [];
        field = '';
        line++;
        recordLine = line;
        lastEnd = j + 1;
      } else field += text[j];
    }
    if (final) {
      if (fields.length || field !== '') out.push({ line: recordLine, fields: [...fields, field.endsWith('\r') ? field.slice(0, -1) : field] });
      this.rest = '';
      this.line = line + 1;
    } else {
      this.rest = text.slice(lastEnd);
      this.line = recordLine;
    }
    return out;
  }
}
