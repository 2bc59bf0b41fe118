import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { specSize } from './load.ts';
import { parseTaskSpec } from './spec.ts';

function errorOf(spec: string): InvalidInputError {
  try {
    parseTaskSpec(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error(`expected '${spec}' to be rejected`);
}

describe('parseTaskSpec', () => {
  it('parses families, levels, seeds, datasets and files', () => {
    const { entries } = parseTaskSpec(
      'add:2000:train, multiply:500:eval:level=2:seed=7 ,word:10,gsm8k:50,math500,builtin-eval:5,' +
        'jsonl:data/x.jsonl:100:prompt=question:gold=answer,parquet:d.parquet:offset=10,letters:3:eval:unique=0',
    );
    expect(entries).toEqual([
      { kind: 'builtin', family: 'add', count: 2000, split: 'train' },
      { kind: 'builtin', family: 'multiply', count: 500, split: 'eval', level: 2, seed: 7 },
      { kind: 'builtin', family: 'word', count: 10, split: 'train' },
      { kind: 'shipped', dataset: 'gsm8k', count: 50 },
      { kind: 'shipped', dataset: 'math500' },
      { kind: 'builtin-eval', perLevel: 5 },
      {
        kind: 'file',
        format: 'jsonl',
        path: 'data/x.jsonl',
        count: 100,
        fields: { prompt: 'question', gold: 'answer' },
      },
      { kind: 'file', format: 'parquet', path: 'd.parquet', offset: 10, fields: {} },
      { kind: 'builtin', family: 'letters', count: 3, split: 'eval', unique: false },
    ]);
  });

  it('names the valid families for an unknown one', () => {
    const e = errorOf('add:10:train,adition:5:train');
    expect(e.message).toContain("'adition'");
    expect(e.hint).toContain('add, multiply, expr, word, letters, reverse, sort');
    expect(e.exitCode).toBe(2);
  });

  it.each([
    ['add:abc:train', 'count must be an integer'],
    ['add:0:train', 'count must be an integer ≥ 1'],
    ['add:-3:train', 'count must be an integer'],
    ['add:1.5:train', 'count must be an integer'],
    ['add', 'a count is required'],
    ['add:10:test', "unknown split 'test'"],
    ['add:10:train:level=9', 'level must be 1..3'],
    ['add:10:train:level=x', 'level must be an integer'],
    ['add:10:train:colour=red', "unknown option 'colour'"],
    ['add:10:train:seed=1:eval', 'comes after key=value options'],
    ['jsonl', 'needs a file path'],
    ['gsm8k:many', 'count must be an integer'],
    ['math500:5:level=2', "unknown option 'level'"],
    ['gsm8k:100000', 'gsm8k holds 50 rows, asked for 100000'],
    ['math500:51', 'math500 holds 50 rows, asked for 51'],
    ['gsm8k:20:offset=40', 'asked for 20 from offset 40 (10 left)'],
    ['gsm8k:offset=50', 'gsm8k holds 50 rows, asked for the rest from offset 50 (0 left)'],
  ])('rejects %s', (spec, message) => {
    expect(errorOf(spec).message).toContain(message);
  });

  it('says how many rows a shipped dataset holds and how to ask for them', () => {
    expect(errorOf('gsm8k:100000').hint).toContain('ask for at most 50 (gsm8k:50)');
    expect(parseTaskSpec('gsm8k:50').entries).toHaveLength(1);
    expect(parseTaskSpec('gsm8k:100000:file=big.jsonl').entries).toHaveLength(1);
  });

  it('rejects an empty spec', () => {
    expect(errorOf(' , ').message).toContain('Empty task spec');
  });

  it('sizes specs when the counts are known', () => {
    expect(specSize('add:10:train,gsm8k,math500:5,builtin-eval:2')).toBe(10 + 50 + 5 + 2 * 21);
    expect(specSize('gsm8k:10:offset=40')).toBe(10);
    expect(specSize('jsonl:x.jsonl')).toBeUndefined();
    expect(specSize('jsonl:x.jsonl:7')).toBe(7);
  });
});
