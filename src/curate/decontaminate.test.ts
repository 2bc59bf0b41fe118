import { describe, expect, it } from 'vitest';
import { ContaminationIndex } from './decontaminate.ts';

const gsm = {
  name: 'gsm8k',
  prompts: [
    {
      id: 'g1',
      text: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?',
    },
    { id: 'g2', text: 'What is 17 times 23?' },
  ],
};

describe('ContaminationIndex', () => {
  const index = new ContaminationIndex([gsm]);

  it('drops a prompt sharing one word 8-gram after lowercasing and whitespace normalisation', () => {
    const hit = index.check('Question:  NATALIA sold clips to 48 of her\nfriends in april — please solve.');
    expect(hit).toMatchObject({ method: 'ngram', evalSet: 'gsm8k', evalId: 'g1' });
    expect(hit?.evidence).toBe('natalia sold clips to 48 of her friends');
  });

  it('drops a short near-copy by fuzzy ratio ≥ 0.95 where no 8-gram exists', () => {
    const hit = index.check('What is 17 times 23 ?');
    expect(hit).toMatchObject({ method: 'fuzzy', evalId: 'g2' });
    expect(hit?.ratio).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps unrelated and merely similar prompts', () => {
    expect(index.check('What is 18 times 24?')).toBeNull();
    expect(index.check('Tom sold apples to 12 of his neighbours on Monday. How many are left?')).toBeNull();
  });

  it('respects a custom n-gram size and threshold', () => {
    const strict = new ContaminationIndex([gsm], { ngram: 20, fuzzyThreshold: 0.99 });
    expect(strict.check('Natalia sold clips to 48 of her friends in April')).toBeNull();
    expect(strict.check('What is 17 times 23?')).toMatchObject({ method: 'fuzzy' });
  });

  it('can ignore template n-grams shared by many eval prompts', () => {
    const templated = {
      name: 'builtin-eval',
      prompts: ['red', 'blue', 'green'].map((c, i) => ({
        id: `t${i}`,
        text: `Please count how many letters there are in the word ${c} and answer.`,
      })),
    };
    const probe = 'Please count how many letters there are in the word yellow and answer.';
    expect(new ContaminationIndex([templated]).check(probe)?.method).toBe('ngram');
    expect(new ContaminationIndex([templated], { ignoreNgramsSharedBy: 3 }).check(probe)).toBeNull();
    // An n-gram unique to one eval prompt still drops.
    expect(
      new ContaminationIndex([templated], { ignoreNgramsSharedBy: 3 }).check(
        'there are in the word green and answer. ok',
      ),
    ).toMatchObject({ method: 'ngram', evalId: 't2' });
  });
});
