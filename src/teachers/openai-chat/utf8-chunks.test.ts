import { describe, expect, it } from 'vitest';
import { Utf8Chunks } from './utf8-chunks.ts';

const text = 'data: {"c":"Ünïcødé 🤔 中文 é"}\n\n';

describe('Utf8Chunks', () => {
  it('gives the text back however the bytes are split (every boundary, and byte by byte)', () => {
    const bytes = Buffer.from(text);
    for (let i = 0; i <= bytes.length; i++) {
      const d = new Utf8Chunks();
      expect(d.write(bytes.subarray(0, i)) + d.write(bytes.subarray(i)) + d.end()).toBe(text);
    }
    const d = new Utf8Chunks();
    let out = '';
    for (const b of bytes) out += d.write(Buffer.of(b));
    expect(out + d.end()).toBe(text);
  });

  it('drops a byte order mark at the start only, and ends an unfinished character as U+FFFD like TextDecoder', () => {
    const d = new Utf8Chunks();
    const bom = Buffer.from('\ufeffdata: x\ufeff');
    expect(d.write(bom.subarray(0, 2)) + d.write(bom.subarray(2))).toBe('data: x\ufeff');
    const cut = Buffer.from('é🤔').subarray(0, 4);
    const e = new Utf8Chunks();
    expect(e.write(cut) + e.end()).toBe(new TextDecoder().decode(cut));
    const invalid = Buffer.from([0x61, 0xff, 0x62]);
    expect(new Utf8Chunks().write(invalid)).toBe(new TextDecoder().decode(invalid));
  });
});
