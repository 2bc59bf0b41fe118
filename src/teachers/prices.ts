import type { Price } from '../core/price.ts';

/**
 * List prices in USD per million tokens, as published by the providers (checked 2025; re-check before large
 * runs and override in `distill.config.json` → `prices[<teacher uri or provider:model>]`). Self-hosted teachers
 * cost 0. Cache-hit discounts are ignored (the estimate errs high).
 */
const PRICES: Record<string, Price> = {
  'deepseek:deepseek-reasoner': { input: 0.28, output: 0.42 },
  'deepseek:deepseek-chat': { input: 0.28, output: 0.42 },
  'openrouter:deepseek/deepseek-r1': { input: 0.4, output: 2.0 },
  'openrouter:deepseek/deepseek-r1-0528': { input: 0.5, output: 2.15 },
  'anthropic:claude-sonnet-4-5': { input: 3, output: 15 },
  'anthropic:claude-opus-4-1': { input: 15, output: 75 },
  'openai:o4-mini': { input: 1.1, output: 4.4 },
  'openai:gpt-5': { input: 1.25, output: 10 },
  'azure:deepseek-r1': { input: 1.35, output: 5.4 },
};

const FREE: Price = { input: 0, output: 0, reasoning: 0 };

/**
 * The price of a teacher: an override (by full URI, then `provider:model`) wins, then the built-in table, then 0 for
 * self-hosted teachers. An API teacher with no known price gets `undefined` (the caller warns and counts 0).
 */
export function lookupPrice(
  key: { uri: string; provider: string; modelId: string; access: 'api' | 'self_hosted' },
  overrides: Record<string, Price> = {},
): Price | undefined {
  const short = `${key.provider}:${key.modelId}`;
  const found = overrides[key.uri] ?? overrides[short] ?? PRICES[short];
  if (found) return found;
  if (key.provider === 'azure') {
    const byModel = Object.entries(PRICES).find(
      ([k]) => k.startsWith('azure:') && key.modelId.includes(k.slice(6)),
    );
    if (byModel) return byModel[1];
  }
  return key.access === 'self_hosted' ? FREE : undefined;
}

/** Cost in USD of one reply's usage. */
export function costOf(usage: { input: number; reasoning: number; output: number }, price: Price): number {
  return (
    (usage.input * price.input +
      usage.output * price.output +
      usage.reasoning * (price.reasoning ?? price.output)) /
    1_000_000
  );
}
