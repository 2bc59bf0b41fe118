import type { WorkerEvent } from './worker-events.ts';

const MB = 1024 * 1024;

/** One line for the worker's `loaded` event: what the base file held and what its float32 weights take. */
export function describeLoaded(e: WorkerEvent): string {
  const types = (e.types ?? {}) as Record<string, number>;
  const list = Object.entries(types)
    .map(([t, n]) => `${t} ×${n}`)
    .join(', ');
  const file = Number(e.fileBytes ?? 0) / MB;
  const mem = Number(e.dequantizedBytes ?? 0) / MB;
  const verb = e.quantized ? 'Dequantized' : 'Loaded';
  return `${verb} ${String(e.arch)} base (${list}; ${file.toFixed(1)} MB on disk) into float32: ${mem.toFixed(1)} MB`;
}

/** One line for the worker's `memory` event: the estimate printed before training. */
export function describeMemory(e: WorkerEvent): string {
  const n = (k: string): string => Number(e[k] ?? 0).toLocaleString();
  return [
    `Memory estimate on ${String(e.device)}: ${n('totalMb')} MB of ${n('availableMb')} MB free`,
    `(parameters ${n('params')}, trainable ${n('trainable')}; weights ${n('weightsMb')} MB,`,
    `gradients + optimizer ${n('optimizerMb')} MB, activations ${n('activationsMb')} MB`,
    `at ${n('microRows')} × ${n('seqLen')} tokens${e.gradCheckpoint ? ', grad checkpointing' : ''})`,
  ].join(' ');
}
