import { ModelError } from '../core/errors/model-error.ts';
import type { ModelInfo } from './native-model.ts';

const reserved = new Map<symbol, number>();

/** Bytes a model needs: weights plus an F16 K/V cache for `contextTokens` tokens. */
export function estimateModelBytes(info: ModelInfo, contextTokens: number): number {
  const kvDim = info.heads > 0 ? (info.embeddingLength * info.headsKv) / info.heads : info.embeddingLength;
  return info.sizeBytes + info.layers * contextTokens * kvDim * 2 * 2;
}

/** Bytes reserved by the models loaded in this process. */
export function reservedBytes(): number {
  let sum = 0;
  for (const v of reserved.values()) sum += v;
  return sum;
}

/**
 * Reserve memory for a model under a process-wide budget (several models at once, e.g. teacher + student).
 * Returns the release function. Throws a ModelError when the budget would be exceeded.
 */
export function reserveMemory(info: ModelInfo, contextTokens: number, budgetBytes?: number): () => void {
  const budget =
    budgetBytes ??
    (process.env.DISTILL_MEMORY_BUDGET ? Number(process.env.DISTILL_MEMORY_BUDGET) : undefined);
  const need = estimateModelBytes(info, contextTokens);
  const used = reservedBytes();
  if (budget !== undefined && Number.isFinite(budget) && used + need > budget)
    throw new ModelError(
      `loading ${info.path} needs ~${mb(need)} MB but only ${mb(Math.max(0, budget - used))} MB of the ${mb(budget)} MB budget is free`,
      { hint: 'dispose another model first, lower slots/contextPerSequence, or raise the memory budget' },
    );
  const key = Symbol(info.path);
  reserved.set(key, need);
  return () => {
    reserved.delete(key);
  };
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
