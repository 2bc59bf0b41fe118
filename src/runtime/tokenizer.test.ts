import { describe, expect, it } from 'vitest';
import { Tokenizer } from './tokenizer.ts';

const TEACHER = new URL('../../models/distill-teacher-q8_0.gguf', import.meta.url).pathname;

describe('Tokenizer (vocabulary-only llama.cpp)', () => {
  it('tokenises like inference: special tokens parsed, no BOS added, and detokenises back', () => {
    using tok = Tokenizer.load(TEACHER);
    expect(tok.bosText).toBe('<s>');
    expect(tok.eosText).toBe('</s>');
    const text = `${tok.bosText}<|user|>\nWhat is 6 × 7?\n<think>\n42\n</think>\n\n\\boxed{42}${tok.eosText}`;
    const ids = tok.tokenize(text);
    expect(ids[0]).toBe(tok.tokenize('<s>')[0]);
    expect(tok.tokenize('<s>')).toHaveLength(1);
    expect(tok.tokenize('<s>', { parseSpecial: false }).length).toBeGreaterThan(1);
    expect(tok.detokenize(ids)).toBe(text);
    expect(ids.every((t) => t >= 0 && t < tok.vocabSize)).toBe(true);
    expect(tok.tokenize('')).toEqual([]);
  });
});
