import type { Price } from '../core/price.ts';
import type { Problem } from '../core/problem.ts';
import { costOf } from '../teachers/prices.ts';

/** Rough token count of a text (≈4 characters per token, plus chat framing). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4) + 8;
}

export interface DryRunEstimate {
  problems: number;
  requests: number;
  /** Requests already stored under this run name (skipped on resume). */
  alreadyDone: number;
  inputTokens: number;
  /** If every reply used `maxTokens`. */
  maxOutputTokens: number;
  /** Assuming replies average `typicalOutputShare` of `maxTokens`. */
  typicalOutputTokens: number;
  costUpperUsd: number;
  costTypicalUsd: number;
  price: Price;
}

/**
 * What a generation would cost, without sending anything: input tokens from the prompts, output bounded by
 * `maxTokens` per reply (upper) and a typical share of it. Streams the problems (flat memory).
 */
export async function estimateGeneration(input: {
  problems: AsyncIterable<Problem>;
  samples: number;
  maxTokens: number;
  price: Price;
  /** Keys already done (resume). Defaults to none. */
  isDone?: (problemId: string, sampleIdx: number) => boolean;
  /** Defaults to 0.3. */
  typicalOutputShare?: number;
}): Promise<DryRunEstimate> {
  let problems = 0;
  let requests = 0;
  let alreadyDone = 0;
  let inputTokens = 0;
  for await (const p of input.problems) {
    problems += 1;
    const t = estimateTokens(p.prompt);
    for (let i = 0; i < input.samples; i++) {
      if (input.isDone?.(p.id, i)) {
        alreadyDone += 1;
        continue;
      }
      requests += 1;
      inputTokens += t;
    }
  }
  const maxOutputTokens = requests * input.maxTokens;
  const typicalOutputTokens = Math.round(maxOutputTokens * (input.typicalOutputShare ?? 0.3));
  const outPrice = { ...input.price, output: Math.max(input.price.output, input.price.reasoning ?? 0) };
  return {
    problems,
    requests,
    alreadyDone,
    inputTokens,
    maxOutputTokens,
    typicalOutputTokens,
    costUpperUsd: costOf({ input: inputTokens, reasoning: 0, output: maxOutputTokens }, outPrice),
    costTypicalUsd: costOf({ input: inputTokens, reasoning: 0, output: typicalOutputTokens }, outPrice),
    price: input.price,
  };
}
