import { CodeSpecSchema } from '../core/code-spec.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { stableId } from '../core/hash.ts';
import type { Problem } from '../core/problem.ts';
import { answerText } from './family.ts';
import { getFamily } from './registry.ts';
import { Rng } from './rng.ts';
import { type Split, splitOfCanonical } from './split.ts';

export interface BuiltinRequest {
  family: string;
  count: number;
  split: Split;
  /** A fixed level; omitted, every problem draws its level uniformly from 1..levels. */
  level?: number;
  /** Defaults to 0. */
  seed?: number;
  /** Skip problems whose canonical content was already produced. Defaults to true for eval, false for train. */
  unique?: boolean;
}

/** Give up after this many candidates in a row that are rejected (other split or duplicate). */
const MAX_REJECTS_IN_A_ROW = 20_000;

/**
 * Generate built-in problems, lazily and deterministically. The stream depends only on
 * (family, split, level, seed), so `add:100:train` is a prefix of `add:1000:train`. Candidates whose canonical
 * content hashes to the other split are rejected, so train and eval never share a problem.
 */
export function* generateBuiltin(request: BuiltinRequest): Generator<Problem> {
  const family = getFamily(request.family);
  const seed = request.seed ?? 0;
  if (request.level !== undefined && (request.level < 1 || request.level > family.levels))
    throw new InvalidInputError(
      `Family '${family.name}' has levels 1..${family.levels}, got ${request.level}`,
      {
        field: 'level',
      },
    );
  const unique = request.unique ?? request.split === 'eval';
  const rng = new Rng(`distill-builtin|${family.name}|${request.split}|${request.level ?? 'mix'}|${seed}`);
  const seen = new Set<string>();
  let rejects = 0;
  for (let index = 0; index < request.count; ) {
    const level = request.level ?? rng.int(1, family.levels);
    const drawn = family.draw(rng, level);
    if (splitOfCanonical(drawn.canonical) !== request.split || (unique && seen.has(drawn.canonical))) {
      rejects += 1;
      if (rejects >= MAX_REJECTS_IN_A_ROW)
        throw new InvalidInputError(
          `Could only generate ${index} distinct ${request.split} problems for '${family.name}'${request.level ? ` level ${request.level}` : ''}`,
          { hint: 'ask for fewer problems, mix levels (omit level=), or allow repeats with unique=0' },
        );
      continue;
    }
    rejects = 0;
    if (unique) seen.add(drawn.canonical);
    const r = drawn.render();
    yield {
      id: stableId('builtin', family.name, r.prompt),
      source: { kind: 'builtin', family: family.name, split: request.split, level, seed, index },
      prompt: r.prompt,
      ...(r.code ? { code: CodeSpecSchema.parse(r.code) } : { gold: r.gold }),
      answerKind: family.answerKind,
      reference: { reasoning: r.reasoning, answer: r.answer ?? answerText(r.gold) },
      origin: 'synthetic',
      meta: { canonical: drawn.canonical },
    };
    index += 1;
  }
}
