/**
 * UTF-8 bytes that arrive in pieces, as text: a character split between two pieces is held back until its last
 * byte arrives; a byte order mark at the very start is dropped (as TextDecoder does); invalid bytes become U+FFFD.
 * `Buffer.toString` per piece with no decoder object: a fraction of TextDecoder's cost on small reads.
 */
export class Utf8Chunks {
  private held: Buffer | undefined;
  private started = false;

  /** The text of `bytes` (and of bytes held from before), less an unfinished last character. */
  write(bytes: Buffer): string {
    let buf = this.held ? Buffer.concat([this.held, bytes]) : bytes;
    this.held = undefined;
    const whole = completeLength(buf);
    if (whole < buf.length) {
      this.held = Buffer.from(buf.subarray(whole));
      buf = buf.subarray(0, whole);
    }
    const text = buf.toString('utf8');
    if (this.started || text === '') return text;
    this.started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** Whatever is held at the end of the stream (an unfinished character: U+FFFD). */
  end(): string {
    const held = this.held;
    this.held = undefined;
    return held ? held.toString('utf8') : '';
  }
}

/** How many bytes of `buf` end on a character boundary (all of them unless its last character is unfinished). */
function completeLength(buf: Buffer): number {
  let i = buf.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (buf[i]! & 0xc0) === 0x80) {
    i -= 1;
    continuation += 1;
  }
  if (i < 0) return buf.length;
  const lead = buf[i]!;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return buf.length - i < size ? i : buf.length;
}
