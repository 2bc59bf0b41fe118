import type { Price } from '../core/price.ts';
import { costOf } from '../teachers/prices.ts';

/**
 * Live cost with a hard ceiling. Each in-flight request reserves its worst case (estimated input + `maxTokens`
 * of output); a request is only sent if spent + reserved + its worst case stays within the limit, so the limit is
 * never passed as long as the provider honours `max_tokens`.
 */
export class CostMeter {
  spentUsd: number;
  private reservedUsd = 0;

  constructor(
    private readonly price: Price,
    private readonly maxCostUsd: number | undefined,
    alreadySpentUsd = 0,
  ) {
    this.spentUsd = alreadySpentUsd;
  }

  /** Worst-case cost of one request. */
  worstCase(inputTokens: number, maxTokens: number): number {
    const outPrice = Math.max(this.price.output, this.price.reasoning ?? this.price.output);
    return (
      costOf({ input: inputTokens, reasoning: 0, output: 0 }, this.price) + (maxTokens * outPrice) / 1_000_000
    );
  }

  canAfford(worstCaseUsd: number): boolean {
    if (this.maxCostUsd === undefined) return true;
    return this.spentUsd + this.reservedUsd + worstCaseUsd <= this.maxCostUsd + 1e-12;
  }

  reserve(usd: number): void {
    this.reservedUsd += usd;
  }

  /** Release a reservation and charge what the reply actually cost. */
  settle(
    reservedUsd: number,
    usage: { input: number; reasoning: number; output: number } | undefined,
  ): number {
    this.reservedUsd = Math.max(0, this.reservedUsd - reservedUsd);
    const cost = usage ? costOf(usage, this.price) : 0;
    this.spentUsd += cost;
    return cost;
  }
}
