import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TRAINABLE_ARCHS } from './gguf-architecture.ts';

describe('TRAINABLE_ARCHS', () => {
  it("is the worker's list of architecture modules", () => {
    const src = readFileSync(
      fileURLToPath(new URL('../../trainer/distill_trainer/arch/__init__.py', import.meta.url)),
      'utf8',
    );
    const m = /for m in \(([^)]*)\)/.exec(src);
    expect(m?.[1]?.split(',').map((s) => s.trim())).toEqual([...TRAINABLE_ARCHS]);
  });
});
