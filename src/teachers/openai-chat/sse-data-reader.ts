const LF = 10;
const COLON = 58;
const SPACE = 32;

/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream rules): text goes in as it arrives, the `data`
 * of every event it completes comes out. Lines may end in LF, CRLF or a lone CR (also split across reads); `:`
 * lines (comments, keep-alives) and fields other than `data` are skipped; an event's `data:` lines are joined with
 * `\n`; an event with no `data` line is no event; an unfinished event at the end of the stream is dropped. It scans
 * the text with `indexOf`, keeping only the unfinished tail, so a reply costs no per-line objects beyond its data.
 */
export class SseDataReader {
  /** The unfinished line(s) of the last read. */
  private tail = '';
  /** The data of the event being read (undefined: no `data` line yet). */
  private data: string | undefined;
  /** The last read ended in CR: a LF that starts the next one belongs to it. */
  private skipLf = false;

  /** Read `text`; appends the data of each event it completes to `out`. */
  push(text: string, out: string[]): void {
    const buf = this.tail === '' ? text : this.tail + text;
    let pos = 0;
    if (this.skipLf) {
      this.skipLf = false;
      if (buf.charCodeAt(0) === LF) pos = 1;
    }
    // A CR anywhere is rare (most servers end lines in LF): look for it once, and again only past it.
    let cr = buf.indexOf('\r', pos);
    for (;;) {
      const lf = buf.indexOf('\n', pos);
      if (cr >= 0 && cr < pos) cr = buf.indexOf('\r', pos);
      const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
      if (end < 0) break;
      this.line(buf, pos, end, out);
      pos = end + 1;
      if (end === cr) {
        if (pos === buf.length) this.skipLf = true;
        else if (buf.charCodeAt(pos) === LF) pos += 1;
      }
    }
    this.tail = pos === 0 ? buf : pos < buf.length ? buf.slice(pos) : '';
  }

  /** One line: `buf` from `start` to `end` (exclusive, no terminator). */
  private line(buf: string, start: number, end: number, out: string[]): void {
    if (start === end) {
      // A blank line ends the event.
      if (this.data !== undefined) out.push(this.data);
      this.data = undefined;
      return;
    }
    if (buf.charCodeAt(start) === COLON || !buf.startsWith('data', start)) return; // comment, other field
    let from = start + 4;
    if (from < end) {
      if (buf.charCodeAt(from) !== COLON) return; // a longer field name (`datafoo:`)
      from += 1;
      if (buf.charCodeAt(from) === SPACE && from < end) from += 1;
    }
    const value = buf.slice(from, end);
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
  }
}
