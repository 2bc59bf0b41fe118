import { join } from 'node:path';
import { defineCommand } from 'citty';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { loadRecipe } from '../../pipeline/load-recipe.ts';
import type { Recipe } from '../../pipeline/recipe-schema.ts';
import type { RecipeEvent, RecipeOutcome } from '../../pipeline/run-recipe.ts';
import { runRecipe } from '../../pipeline/run-recipe.ts';
import { spreadTable } from '../../pipeline/seed-spread.ts';
import { intArg, jsonArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit, setupProgress } from '../output.ts';
import { trainerBeside } from '../trainer-beside.ts';

function seconds(ms: number): string {
  return ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`
    : `${(ms / 1000).toFixed(1)}s`;
}

/** A set-up message (the trainer's venv, built beside the stages) that does not break a rewritten progress line. */
function setupNote(json: boolean): (message: string) => void {
  if (json) return setupProgress(true);
  const clear = process.stderr.isTTY ? '\r\x1b[2K' : '';
  return (message) => process.stderr.write(`${clear}[setup] ${message.trim()}\n`);
}

/** Run a recipe once, its trainer's venv (first run on a machine) built beside its first stages. */
async function runOnce(
  recipe: Recipe,
  signal: AbortSignal,
  args: { force: boolean; json: boolean },
): Promise<RecipeOutcome> {
  const trainer = trainerBeside(recipe, signal, setupNote(args.json));
  try {
    return await runRecipe(recipe, {
      signal,
      force: args.force,
      onEvent: renderer(args.json),
      beforeStage: trainer.beforeStage,
    });
  } finally {
    await trainer.stop();
  }
}

/** One progress display for the whole recipe: a rewritten line on a TTY, plain lines otherwise, JSON with --json. */
function renderer(json: boolean): (e: RecipeEvent) => void {
  const tty = process.stderr.isTTY && !json;
  const lastPlain = new Map<string, number>(); // per stage: stages that run side by side each get their lines
  return (e) => {
    if (json) {
      process.stderr.write(
        `${JSON.stringify({ type: e.type, stage: e.stage.id, index: e.index, total: e.total, ...('progress' in e ? { progress: e.progress } : {}), ...('error' in e ? { error: e.error } : {}) })}\n`,
      );
      return;
    }
    const head = `[${e.index + 1}/${e.total}] ${e.stage.id}`;
    if (e.type === 'stage-progress') {
      const p = e.progress;
      const pct = p.total > 0 ? `${Math.floor((100 * p.done) / p.total)}%` : `${p.done}`;
      const line = `${head} ▸ ${pct}${p.rate !== undefined ? ` | ${p.rate.toFixed(1)}/s` : ''}${p.etaS !== undefined ? ` | ETA ${Math.round(p.etaS)}s` : ''}${p.costUsd !== undefined ? ` | $${p.costUsd.toFixed(4)}` : ''}${p.status ? ` | ${p.status}` : ''}`;
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (Date.now() - (lastPlain.get(e.stage.id) ?? 0) > 5000) {
        lastPlain.set(e.stage.id, Date.now());
        process.stderr.write(`${line}\n`);
      }
      return;
    }
    const clear = tty ? '\r\x1b[2K' : '';
    if (e.type === 'stage-start')
      process.stderr.write(`${clear}${head} ▶ ${e.stage.title ?? `distill ${e.argv.join(' ')}`}\n`);
    if (e.type === 'stage-skip') process.stderr.write(`${clear}${head} ✓ skipped (${e.reason})\n`);
    if (e.type === 'stage-done') process.stderr.write(`${clear}${head} ✓ done in ${seconds(e.wallMs)}\n`);
    if (e.type === 'stage-failed') process.stderr.write(`${clear}${head} ✗ ${e.error}\n`);
  };
}

/** Every `--var NAME=VALUE` / `--var=NAME=VALUE` in the raw arguments (citty keeps only the last repeat). */
function parseVars(rawArgs: string[]): Record<string, string> {
  const list: string[] = [];
  rawArgs.forEach((arg, i) => {
    if (arg === '--var' && rawArgs[i + 1] !== undefined) list.push(rawArgs[i + 1] as string);
    else if (arg.startsWith('--var=')) list.push(arg.slice(6));
  });
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InvalidInputError(`--var expects NAME=VALUE, got '${item}'`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** `distill run RECIPE --seeds N`: the recipe once per seed, then the spread of its summary table. */
async function runSeeds(
  path: string,
  vars: Record<string, string>,
  n: number,
  args: { force: boolean; workdir?: string | undefined; json: boolean },
): Promise<void> {
  const probe = loadRecipe(path, vars);
  if (!('seed' in probe.vars))
    throw new InvalidInputError(`--seeds needs a 'seed' variable in ${path}`, {
      hint: "add vars: { seed: 1 } and use '${vars.seed}' in its generate/train stages",
    });
  const base = args.workdir ?? probe.workdir;
  const { signal, dispose } = interruptSignal();
  const started = Date.now();
  const outcomes: RecipeOutcome[] = [];
  try {
    for (let seed = 1; seed <= n; seed++) {
      const recipe = loadRecipe(path, { ...vars, seed: String(seed) });
      recipe.workdir = join(base, `seed-${seed}`);
      if (!args.json) process.stderr.write(`\n=== seed ${seed}/${n} (${recipe.workdir}) ===\n`);
      outcomes.push(await runOnce(recipe, signal, args));
    }
  } finally {
    dispose();
  }
  const spread = spreadTable(outcomes.map((o) => o.summary));
  emit(args.json, { seeds: n, runs: outcomes, spread, wallMs: Date.now() - started }, () =>
    [
      `\nRecipe '${probe.name}' over ${n} seeds finished in ${seconds(Date.now() - started)}`,
      '',
      spread || '(its summary has no table)',
    ].join('\n'),
  );
}

/** `distill run RECIPE`: run a pipeline recipe with resumable stages. */
export const command = defineCommand({
  meta: { name: 'run', description: 'Run a pipeline recipe (YAML/JSON) with resumable stages' },
  args: {
    recipe: { type: 'positional', description: 'Recipe file, e.g. recipes/demo.yaml', required: true },
    force: { type: 'boolean', description: 'Rerun every stage even if unchanged', default: false },
    workdir: { type: 'string', description: "Override the recipe's workdir (outputs, state and logs)" },
    var: { type: 'string', description: 'Override a recipe variable: --var NAME=VALUE (repeatable)' },
    seeds: {
      type: 'string',
      description:
        'Run the recipe once per seed 1…N (--var seed=S, workdir <workdir>/seed-S) and print mean ± sd of its table',
    },
    ...jsonArg,
  },
  run: async ({ args, rawArgs }) => {
    if (args.seeds !== undefined) {
      await runSeeds(args.recipe, parseVars(rawArgs), intArg(args.seeds, 'seeds', 1, 1), args);
      return;
    }
    const recipe = loadRecipe(args.recipe, parseVars(rawArgs));
    if (args.workdir) recipe.workdir = args.workdir;
    const { signal, dispose } = interruptSignal();
    const started = Date.now();
    try {
      const outcome = await runOnce(recipe, signal, args);
      emit(args.json, { ...outcome, wallMs: Date.now() - started }, () => {
        const lines = [
          `\nRecipe '${outcome.name}' finished in ${seconds(Date.now() - started)} (workdir ${outcome.workdir})`,
        ];
        for (const s of outcome.stages)
          lines.push(
            `  ${s.status === 'failed' ? '✗' : '✓'} ${s.id.padEnd(24)} ${s.status.padEnd(8)} ${seconds(s.wallMs)}`,
          );
        if (outcome.summary) lines.push('', outcome.summary);
        return lines.join('\n');
      });
    } finally {
      dispose();
    }
  },
});
