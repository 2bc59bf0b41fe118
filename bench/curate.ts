/**
 * bench/curate: 100k synthetic traces (25k prompts × 4 samples) with planted exact/near duplicates, contaminated
 * rows and identity mentions, curated end to end through a real store file.
 *
 *   npx tsx bench/curate.ts [--samples N]
 *
 * Phase 1 (child process) writes the store. Phase 2 (fresh child process, so its peak RSS is its own) times a bare
 * pass reading the same rows (baseline), then `curateRun` (verify, 5 filters, decontamination against gsm8k,
 * math500 and builtin-eval, prompt and trace dedup, store writes), and checks recall of every planted bad row.
 * Targets: ≤60 s and ≤2 GiB on 2 cores; 100% recall of exact plants.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { curateRun } from '../src/curate/curate-run.ts';
import { syntheticSample } from '../src/curate/testing/synthetic-samples.ts';
import { curationDecisions } from '../src/store/curate-queries.ts';
import { openStore } from '../src/store/open-store.ts';
import { loadEvalSet } from '../src/tasks/eval-sets.ts';

const PER_PROMPT = 4;
const argv = process.argv.slice(2);
const total = Number(argv[argv.indexOf('--samples') + 1] ?? 0) || 100_000;
const phase = argv[0];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}
const r = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const NAMES = [
  'Ava',
  'Ben',
  'Chloe',
  'Dev',
  'Elif',
  'Femi',
  'Goro',
  'Hana',
  'Ivan',
  'Jia',
  'Kofi',
  'Lena',
  'Mateo',
  'Nia',
];
const ITEMS = [
  'marbles',
  'stamps',
  'apples',
  'pencils',
  'stickers',
  'coins',
  'shells',
  'cards',
  'books',
  'beads',
];
const PLACES = [
  'market',
  'library',
  'garden',
  'station',
  'museum',
  'bakery',
  'harbour',
  'workshop',
  'school',
  'farm',
];
const VERBS = ['buys', 'finds', 'collects', 'receives', 'trades for', 'wins', 'borrows', 'picks up'];
const FILLER = [
  'carefully',
  'again',
  'step by step',
  'slowly',
  'once more',
  'in order',
  'to be sure',
  'briefly',
];

function prompt(): { text: string; gold: string } {
  const [a, b, c] = [int(10, 9999), int(10, 9999), int(2, 99)];
  const text = `${pick(NAMES)} goes to the ${pick(PLACES)} with ${a} ${pick(ITEMS)}. There ${pick(NAMES)} ${pick(VERBS)} ${b} more and then shares them equally among ${c} ${pick(['friends', 'boxes', 'shelves', 'teams'])}. How many does each get, and how many are left over?`;
  return { text, gold: String(Math.floor((a + b) / c)) };
}

function trace(gold: string, k: number): string {
  const lines: string[] = [];
  for (let i = 0; i < 8 + k; i++)
    lines.push(
      `Step ${i + 1}: I ${pick(['add', 'check', 'divide', 'compare', 'recount'])} the ${pick(ITEMS)} ${pick(FILLER)}, which gives ${int(1, 99999)} so far ${pick(FILLER)}.`,
    );
  return `${lines.join('\n')}\nSo the answer is ${gold}.`;
}

type PlantKind =
  | 'duplicate-prompt'
  | 'near-duplicate-prompt'
  | 'duplicate-trace'
  | 'near-duplicate-trace'
  | 'contaminated-ngram'
  | 'contaminated-fuzzy'
  | 'identity';
const EXPECTED: Record<PlantKind, string[]> = {
  'duplicate-prompt': ['duplicate-prompt'],
  'near-duplicate-prompt': ['near-duplicate-prompt', 'duplicate-prompt'],
  'duplicate-trace': ['duplicate-trace'],
  'near-duplicate-trace': ['near-duplicate-trace', 'duplicate-trace'],
  'contaminated-ngram': ['contaminated'],
  'contaminated-fuzzy': ['contaminated'],
  identity: ['identity'],
};
const FUZZY: ReadonlySet<PlantKind> = new Set([
  'near-duplicate-prompt',
  'near-duplicate-trace',
  'contaminated-fuzzy',
]);

async function setup(file: string): Promise<void> {
  const store = openStore(file);
  const run = store.createRun({ name: 'bench', kind: 'generate', status: 'completed' });
  const gsm = (await loadEvalSet('gsm8k')).map((p) => p.prompt);
  const short = (await loadEvalSet('builtin-eval'))
    .map((p) => p.prompt)
    .filter((t) => t.split(/\s+/).length < 8);
  const prompts = total / PER_PROMPT;
  const kept: Array<{ text: string; gold: string }> = [];
  let batch: ReturnType<typeof syntheticSample>[] = [];
  const plants: Record<string, PlantKind> = {};
  const flush = () => {
    store.insertSamples(batch);
    batch = [];
  };
  for (let p = 0; p < prompts; p++) {
    const id = `q${p}`;
    let kind: PlantKind | undefined;
    let pr = prompt();
    const roll = r();
    if (p > 10 && roll < 0.02) {
      kind = 'duplicate-prompt';
      pr = pick(kept);
    } else if (p > 10 && roll < 0.04) {
      kind = 'near-duplicate-prompt';
      const base = pick(kept);
      pr = {
        text: base.text.replace('How many does each get', 'How many does every one get'),
        gold: base.gold,
      };
    } else if (roll < 0.052) {
      kind = 'contaminated-ngram';
      pr = { text: `Solve this: ${pick(gsm)}`, gold: '1' };
    } else if (roll < 0.06) {
      kind = 'contaminated-fuzzy';
      pr = { text: pick(short).replace('?', ' ?'), gold: '1' };
    } else kept.push(pr);
    let previous = ''; // the previous clean trace of this prompt
    for (let k = 0; k < PER_PROMPT; k++) {
      let reasoning = trace(pr.gold, k);
      let sampleKind = kind;
      const roll2 = r();
      if (!kind && previous && roll2 < 0.03) {
        sampleKind = 'duplicate-trace';
        reasoning = previous;
      } else if (!kind && previous && roll2 < 0.06) {
        sampleKind = 'near-duplicate-trace';
        reasoning = previous.replace(/^Step 1: I \w+/, 'Step 1: I first look at');
      } else if (!kind && roll2 < 0.08) {
        sampleKind = 'identity';
        reasoning = `As an AI language model developed by OpenAI, I will solve it.\n${reasoning}`;
      }
      if (!sampleKind) previous = reasoning;
      const s = syntheticSample({
        runId: run.id,
        problemId: id,
        sampleIdx: k,
        prompt: pr.text,
        gold: pr.gold,
        reasoning,
        answer: `The answer is \\boxed{${pr.gold}}.`,
        family: 'word',
      });
      if (sampleKind) plants[s.id] = sampleKind;
      batch.push(s);
      if (batch.length >= 2000) flush();
    }
  }
  flush();
  store.db.prepare('CREATE TABLE bench_plants (sample_id TEXT PRIMARY KEY, kind TEXT NOT NULL)').run();
  const ins = store.db.prepare('INSERT INTO bench_plants VALUES (?, ?)');
  store.transaction(() => {
    for (const [id, kind] of Object.entries(plants)) ins.run(id, kind);
  });
  store.close();
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

async function measure(file: string): Promise<void> {
  const store = openStore(file);
  const gib = (kb: number) => (kb / 1024 / 1024).toFixed(2);
  let cpu = process.cpuUsage();
  let t = performance.now();
  let n = 0;
  let chars = 0;
  for (const batch of store.iterateSampleBatches(store.requireRun('bench').id, {
    batchSize: 1000,
    withFilters: false,
  }))
    for (const s of batch) {
      n++;
      chars += s.trace.reasoning.length;
    }
  const baseline = (performance.now() - t) / 1000;
  const baselineCpu = cpuSeconds(cpu);
  const rssAfterBaseline = process.resourceUsage().maxRSS;
  cpu = process.cpuUsage();
  t = performance.now();
  const summary = await curateRun(store, 'bench', {
    decontaminate: ['gsm8k', 'math500', 'builtin-eval'],
    onProgress: (done) => {
      if (done % 20_000 === 0)
        process.stderr.write(`  … ${done} samples, ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
    },
  });
  const wall = (performance.now() - t) / 1000;
  const curateCpu = cpuSeconds(cpu);
  const rss = process.resourceUsage().maxRSS;
  const plants = new Map(
    (
      store.db.prepare('SELECT sample_id, kind FROM bench_plants').all() as Array<{
        sample_id: string;
        kind: PlantKind;
      }>
    ).map((p) => [p.sample_id, p.kind]),
  );
  const decisions = curationDecisions(store.db, summary.runId);
  const recall: Record<string, { planted: number; caught: number }> = {};
  let falseDrops = 0;
  for (const d of decisions) {
    const kind = plants.get(d.sampleId);
    if (!kind) {
      if (!d.kept) falseDrops++;
      continue;
    }
    recall[kind] ??= { planted: 0, caught: 0 };
    recall[kind].planted++;
    if (!d.kept && EXPECTED[kind].includes(d.reason ?? '')) recall[kind].caught++;
  }
  store.close();
  console.log(`bench/curate: ${n} samples (${(chars / n).toFixed(0)} chars of thinking each), 2 cores`);
  console.log(
    `  baseline (bare read of the same rows): ${baseline.toFixed(2)} s wall, ${baselineCpu.toFixed(2)} s CPU, ${(n / baseline).toFixed(0)} rows/s`,
  );
  console.log(
    `  curate end to end:                    ${wall.toFixed(2)} s wall, ${curateCpu.toFixed(2)} s CPU, ${(n / wall).toFixed(0)} rows/s  = ${(wall / baseline).toFixed(1)}× the baseline wall, ${(curateCpu / baselineCpu).toFixed(1)}× its CPU  (target ≤ 60 s)`,
  );
  console.log('  (CPU seconds are the contention-free figure when other processes share the 2 cores)');
  console.log(`  peak RSS: ${gib(rss)} GiB (after baseline ${gib(rssAfterBaseline)} GiB)  (target ≤ 2 GiB)`);
  console.log(`  kept ${summary.kept}, dropped ${JSON.stringify(summary.dropped)}`);
  for (const [kind, c] of Object.entries(recall).sort())
    console.log(
      `  recall ${kind.padEnd(22)} ${((100 * c.caught) / c.planted).toFixed(1).padStart(5)}%  (${c.caught}/${c.planted})${FUZZY.has(kind as PlantKind) ? '  [fuzzy plant]' : '  [exact plant, must be 100%]'}`,
    );
  console.log(`  unplanted rows dropped: ${falseDrops}`);
  const exactOk = Object.entries(recall).every(
    ([k, c]) => FUZZY.has(k as PlantKind) || c.caught === c.planted,
  );
  if (!exactOk) process.exitCode = 1;
}

if (phase === 'setup') await setup(argv[1] as string);
else if (phase === 'measure') await measure(argv[1] as string);
else {
  const dir = mkdtempSync(join(tmpdir(), 'distill-bench-curate-'));
  const file = join(dir, 'bench.sqlite');
  const self = fileURLToPath(import.meta.url);
  const run = (p: string) => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', self, p, file, '--samples', String(total)], {
      stdio: 'inherit',
    });
    if (res.status !== 0) process.exitCode = res.status ?? 1;
  };
  const t = performance.now();
  run('setup');
  console.log(
    `(setup: wrote ${total} samples to the store in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );
  run('measure');
  rmSync(dir, { recursive: true, force: true });
}
