import { describe, expect, it } from 'vitest';
import { SseDataReader } from './sse-data-reader.ts';
import { Utf8Chunks } from './utf8-chunks.ts';

/** The data of every event of `pieces` read in order, decoded from UTF-8 bytes as the transport decodes them. */
function readBytes(pieces: Uint8Array[]): string[] {
  const reader = new SseDataReader();
  const decoder = new Utf8Chunks();
  const out: string[] = [];
  for (const p of pieces) reader.push(decoder.write(Buffer.from(p)), out);
  reader.push(decoder.end(), out);
  return out;
}

/** `text` as UTF-8, cut at every byte boundary in turn (two pieces), and one byte at a time. */
function everySplit(text: string): Uint8Array[][] {
  const bytes = new TextEncoder().encode(text);
  const splits: Uint8Array[][] = [[bytes], Array.from(bytes, (b) => Uint8Array.of(b))];
  for (let i = 1; i < bytes.length; i++) splits.push([bytes.subarray(0, i), bytes.subarray(i)]);
  return splits;
}

const events = [
  '{"choices":[{"delta":{"reasoning_content":"Ünïcødé 🤔 thinking"}}]}',
  '{"choices":[{"delta":{"content":"The answer is \\\\boxed{42}."}}]}',
  '[DONE]',
];

describe('SseDataReader', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('gives the same events however %s-terminated bytes are split', (_name, eol) => {
    const text = events.map((e) => `data: ${e}${eol}${eol}`).join('');
    for (const pieces of everySplit(text)) expect(readBytes(pieces)).toEqual(events);
  });

  it('skips comments, keep-alives and other fields; joins multi-line data; takes `data` without a space or value', () => {
    const text = [
      ': keep-alive',
      '',
      ':OPENROUTER PROCESSING',
      'event: message',
      'id: 7',
      'retry: 1000',
      'data: {"a":',
      'data:1}',
      '',
      'datafoo: not data',
      '',
      'data',
      'data:  two spaces keep one',
      '',
      'data:',
      '',
      '',
      '',
    ].join('\r\n');
    const expected = ['{"a":\n1}', '\n two spaces keep one', ''];
    for (const pieces of everySplit(text)) expect(readBytes(pieces)).toEqual(expected);
  });

  it('mixes line endings, and a CR at the end of one read followed by LF at the start of the next is one line end', () => {
    const reader = new SseDataReader();
    const out: string[] = [];
    reader.push('data: a\r', out);
    reader.push('\n\r', out);
    expect(out).toEqual(['a']);
    reader.push('\ndata: b\n\r\n', out);
    reader.push('data: c\r\r', out);
    expect(out).toEqual(['a', 'b', 'c']);
  });

  it('drops an unfinished event at the end of the stream, and emits nothing for an event without data', () => {
    const reader = new SseDataReader();
    const out: string[] = [];
    reader.push('event: ping\n\ndata: {"half"', out);
    reader.push(': true}\n', out);
    expect(out).toEqual([]);
  });
});
