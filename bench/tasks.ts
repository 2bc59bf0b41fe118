/**
 * Built-in problem generation speed.
 *
 *   npx tsx bench/tasks.ts [--n 100000]
 *
 * Generates N problems mixed over every family (train split, all levels) through the streaming `loadProblems`,
 * and the same through the synchronous generator; then up to 1000 distinct eval problems per family. Baselines measured in the same run:
 * a bare loop drawing two random numbers per item and formatting them as a prompt, and JSON.stringify of each
 * generated problem (the cost of merely writing it out). Prints problems/second and the ratios.
 */
import { parseArgs } from 'node:util';
import type { Problem } from '../src/core/problem.ts';
import { generateBuiltin } from '../src/tasks/generate.ts';
import { loadProblems } from '../src/tasks/load.ts';
import { FAMILIES } from '../src/tasks/registry.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '100000' } } });
const N = Number(values.n);
const per = Math.ceil(N / FAMILIES.length);
const evalPer = Math.min(per, 1000);
const spec = (split: string): string => FAMILIES.map((f) => `${f.name}:${per}:${split}`).join(',');

function timed<T>(fn: () => T): { value: T; seconds: number } {
  const t = process.hrtime.bigint();
  const value = fn();
  return { value, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
}

const baseline = timed(() => {
  let chars = 0;
  for (let i = 0; i < per * FAMILIES.length; i++) {
    const a = Math.floor(Math.random() * 1e4);
    const b = Math.floor(Math.random() * 1e4);
    chars += `What is ${a} + ${b}?`.length;
  }
  return chars;
});

const streamed = await timedAsync(async () => {
  let n = 0;
  let chars = 0;
  for await (const p of loadProblems(spec('train'))) {
    n += 1;
    chars += p.prompt.length + (p.reference?.reasoning.length ?? 0);
  }
  return { n, chars };
});

const problems: Problem[] = [];
const sync = timed(() => {
  for (const f of FAMILIES)
    for (const p of generateBuiltin({ family: f.name, count: per, split: 'train', seed: 1 }))
      problems.push(p);
  return problems.length;
});

const stringify = timed(() => {
  let bytes = 0;
  for (const p of problems) bytes += JSON.stringify(p).length;
  return bytes;
});

const evalRun = await timedAsync(async () => {
  let n = 0;
  for await (const _ of loadProblems(FAMILIES.map((f) => `${f.name}:${evalPer}:eval`).join(','))) n += 1;
  return n;
});

const rate = (n: number, s: number): number => n / s;
const baseRate = rate(per * FAMILIES.length, baseline.seconds);
const streamRate = rate(streamed.value.n, streamed.seconds);
const syncRate = rate(sync.value, sync.seconds);
const jsonRate = rate(problems.length, stringify.seconds);
const evalRate = rate(evalRun.value, evalRun.seconds);
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

console.log(`built-in problems: ${fmt(streamed.value.n)} over ${FAMILIES.length} families, mixed levels`);
console.log(
  `  loadProblems (train, streaming): ${fmt(streamRate)} problems/s  (${streamed.seconds.toFixed(2)} s)`,
);
console.log(`  generateBuiltin (train, sync):   ${fmt(syncRate)} problems/s`);
console.log(`  loadProblems (eval, 9 in 10 candidates rejected): ${fmt(evalRate)} problems/s`);
console.log(`  mean prompt + reasoning length: ${Math.round(streamed.value.chars / streamed.value.n)} chars`);
console.log(`baseline: bare loop of 2 random numbers + prompt string: ${fmt(baseRate)} items/s`);
console.log(`baseline: JSON.stringify of each generated problem:     ${fmt(jsonRate)} problems/s`);
console.log(`ratio streaming generation / bare random loop: ${(streamRate / baseRate).toFixed(4)}×`);
console.log(`ratio streaming generation / JSON.stringify:   ${(streamRate / jsonRate).toFixed(3)}×`);
