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
