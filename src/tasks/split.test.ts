import { describe, expect, it } from 'vitest';
import type { Problem } from '../core/problem.ts';
import { CONTAINERS, ITEMS, PEOPLE } from './families/word-vocabulary.ts';
import { generateBuiltin } from './generate.ts';
import { loadProblems } from './load.ts';
import { FAMILIES } from './registry.ts';
import { SPLIT_BUCKETS, splitOfCanonical } from './split.ts';

const canonical = (p: Problem): string => String(p.meta.canonical);

describe('train/eval splits', () => {
  it('never generate an eval problem into a training split, whatever the seed', () => {
    const evalCanon = new Set<string>();
    const evalPrompts = new Set<string>();
    for (const f of FAMILIES)
      for (const seed of [0, 1, 2])
        for (const p of generateBuiltin({ family: f.name, count: 150, split: 'eval', seed })) {
          evalCanon.add(canonical(p));
          evalPrompts.add(p.prompt);
        }
    let train = 0;
    const collisions: string[] = [];
    for (const f of FAMILIES)
      for (const seed of [0, 1, 2, 3, 4, 5]) {
        const level = 1 + (seed % f.levels);
        for (const p of generateBuiltin({ family: f.name, count: 300, split: 'train', seed, level })) {
          if (evalCanon.has(canonical(p)) || evalPrompts.has(p.prompt)) collisions.push(p.prompt);
          if (splitOfCanonical(canonical(p)) !== 'train') collisions.push(`not train: ${p.prompt}`);
          train += 1;
        }
      }
    expect(collisions).toEqual([]);
    expect(train).toBe(FAMILIES.length * 6 * 300);
  });

  it('hold out about 1 in SPLIT_BUCKETS of the problem space', () => {
    let evalCount = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) if (splitOfCanonical(`add|${i}+${i * 7}`) === 'eval') evalCount += 1;
    expect(evalCount / n).toBeGreaterThan(0.7 / SPLIT_BUCKETS);
    expect(evalCount / n).toBeLessThan(1.3 / SPLIT_BUCKETS);
  });

  it('the split is a function of canonical content, so surface variants share it', () => {
    // Word problems: names and items are not part of the canonical content.
    const problems = [...generateBuiltin({ family: 'word', count: 400, split: 'train', seed: 11 })];
    const surface = [...PEOPLE.map((p) => p[0]), ...ITEMS, ...CONTAINERS];
    expect(problems.map(canonical).filter((c) => surface.some((w) => c.includes(w)))).toEqual([]);
    expect(problems.filter((p) => surface.some((w) => p.prompt.includes(w))).length).toBe(400);
    // Addition is commutative: a + b and b + a are one problem.
    const sums = [...generateBuiltin({ family: 'add', count: 400, split: 'train', level: 1, seed: 11 })];
    const pluses = sums.filter((q) => q.prompt.includes('+'));
    expect(pluses.length).toBeGreaterThan(100);
    const expected = pluses.map((p) => {
      const [a, b] = (p.prompt.match(/\d+/g) ?? []).map(Number);
      return `add|${Math.min(a!, b!)}+${Math.max(a!, b!)}`;
    });
    expect(pluses.map(canonical)).toEqual(expected);
  });

  it('eval streams hold no duplicates', () => {
    for (const f of FAMILIES) {
      const problems = [...generateBuiltin({ family: f.name, count: 200, split: 'eval', level: 1, seed: 5 })];
      expect(new Set(problems.map(canonical)).size).toBe(200);
    }
  });
});

describe('determinism', () => {
  const take = async (spec: string, seed?: number): Promise<Problem[]> => {
    const out: Problem[] = [];
    for await (const p of loadProblems(spec, seed === undefined ? {} : { seed })) out.push(p);
    return out;
  };
  const spec = FAMILIES.map((f) => `${f.name}:40:train`).join(',');

  it('the same seed gives the same problems; another seed gives others', async () => {
    const a = await take(spec, 3);
    const b = await take(spec, 3);
    const c = await take(spec, 4);
    expect(a).toEqual(b);
    const aPrompts = new Set(a.map((p) => p.prompt));
    expect(c.filter((p) => aPrompts.has(p.prompt)).length).toBeLessThan(a.length / 4);
  });

  it('a shorter stream is a prefix of a longer one, and seed= in the spec overrides the option', async () => {
    const short = await take('multiply:30:eval:level=2', 9);
    const long = await take('multiply:300:eval:level=2:seed=9');
    expect(long.slice(0, 30)).toEqual(short);
    expect(long.map((p) => p.source)).toContainEqual({
      kind: 'builtin',
      family: 'multiply',
      split: 'eval',
      level: 2,
      seed: 9,
      index: 299,
    });
  });

  it('streams lazily: a huge spec yields its first problems at once', async () => {
    const first: Problem[] = [];
    for await (const p of loadProblems('add:100000000:train')) {
      first.push(p);
      if (first.length === 5) break;
    }
    expect(first.map((p) => p.source.kind === 'builtin' && p.source.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('a mixed-level stream draws every level', async () => {
    const levels = new Set(
      (await take('expr:200:train')).map((p) => p.source.kind === 'builtin' && p.source.level),
    );
    expect([...levels].sort()).toEqual([1, 2, 3]);
  });

  it('stops with an AbortedError when the signal fires', async () => {
    const controller = new AbortController();
    let n = 0;
    await expect(async () => {
      for await (const _ of loadProblems('add:100000:train', { signal: controller.signal })) {
        n += 1;
        if (n === 10) controller.abort();
      }
    }).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(n).toBeLessThan(1000);
  });
});
