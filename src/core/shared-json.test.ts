import { describe, expect, it } from 'vitest';
import { sharedValue, stringifyWithShared } from './shared-json.ts';

describe('shared JSON values', () => {
  it('writes a record byte for byte as JSON.stringify does, shared values from their stored text', () => {
    const terms = sharedValue({
      id: 'mit',
      url: 'https://x',
      list: ['a', 'b'],
      nested: { n: 1.5, s: 'q"\\u' },
    });
    const record = {
      prompt: { text: 'What is 1 + 1?\n', extra: undefined },
      terms,
      skipped: undefined,
      fn: () => 1,
      n: 0.1 + 0.2,
      nil: null,
      list: [1, undefined, 'x'],
      'odd "key"': true,
      generation: { ts: '2026-01-01T00:00:00.000Z', seed: 7 },
    };
    expect(stringifyWithShared(record)).toBe(JSON.stringify(record));
    expect(stringifyWithShared({})).toBe('{}');
    expect(stringifyWithShared({ only: undefined, terms })).toBe(JSON.stringify({ only: undefined, terms }));
  });

  it('is a deeply frozen copy: neither it nor the original can make its stored text stale', () => {
    const original = { usePolicy: { train: 'allowed', obligations: ['keep the notice'] } };
    const shared = sharedValue(original);
    original.usePolicy.obligations.push('changed later');
    expect(stringifyWithShared({ shared })).toBe(
      '{"shared":{"usePolicy":{"train":"allowed","obligations":["keep the notice"]}}}',
    );
    expect(Object.isFrozen(shared.usePolicy.obligations)).toBe(true);
    expect(() => {
      (shared.usePolicy.obligations as string[]).push('x');
    }).toThrow(TypeError);
  });
});
