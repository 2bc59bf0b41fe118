import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AbortedError } from '../core/errors/aborted-error.ts';
import { DistillError } from '../core/errors/distill-error.ts';
import { stageFingerprint } from './fingerprint.ts';
import type { Recipe, Stage } from './recipe-schema.ts';
import { RecipeState } from './recipe-state.ts';
import { stageArgv } from './stage-argv.ts';
import { runStageProcess, type StageProgress, stageLogFile } from './stage-process.ts';
import { type SubstitutionScope, substitute, substituteStatic } from './substitute.ts';

export type RecipeEvent =
  | { type: 'stage-start'; index: number; total: number; stage: Stage; argv: string[] }
  | { type: 'stage-skip'; index: number; total: number; stage: Stage; reason: string }
  | { type: 'stage-progress'; index: number; total: number; stage: Stage; progress: StageProgress }
  | {
      type: 'stage-done';
      index: number;
      total: number;
      stage: Stage;
      wallMs: number;
      result: Record<string, string>;
    }
  | { type: 'stage-failed'; index: number; total: number; stage: Stage; error: string };

export interface RunRecipeOptions {
  /** Project folder: relative paths in the recipe resolve against it. Defaults to the current directory. */
  cwd?: string;
  signal?: AbortSignal;
  onEvent?: (event: RecipeEvent) => void;
  /** Rerun every stage even when its fingerprint matches. Defaults to false. */
  force?: boolean;
  /**
   * Awaited before a stage that is not skipped starts, e.g. until something built in the background beside the
   * earlier stages is ready. A rejection fails that stage like its own error would.
   */
  beforeStage?: (stage: Stage) => Promise<void>;
}

export interface StageOutcome {
  id: string;
  status: 'ran' | 'skipped' | 'failed';
  wallMs: number;
  result: Record<string, string>;
  error?: string;
}

export interface RecipeOutcome {
  name: string;
  workdir: string;
  stages: StageOutcome[];
  summary: string;
}

function flatten(result: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(result))
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  return out;
}

/**
 * Run a recipe's stages in order as `distill` child processes. A stage whose fingerprint matches its last
 * successful run (and whose outputs exist) is skipped; `serve` stages start lazily when a stage that needs
 * them runs, and are stopped (by PID) when the recipe ends.
 */
export async function runRecipe(recipe: Recipe, options: RunRecipeOptions = {}): Promise<RecipeOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const workdir = resolve(cwd, recipe.workdir);
  mkdirSync(workdir, { recursive: true });
  const state = new RecipeState(workdir);
  const scope: SubstitutionScope = { workdir, vars: recipe.vars, stages: {} };
  const fingerprints = new Map<string, string>();
  const servers = new Map<string, ChildProcess>();
  const outcomes: StageOutcome[] = [];
  const total = recipe.stages.length;
  const emit = (e: RecipeEvent): void => options.onEvent?.(e);

  // One start per server, even when two stages that run side by side need it.
  const serverStarts = new Map<string, Promise<void>>();
  const startServer = (stage: Stage, index: number): Promise<void> => {
    const started = serverStarts.get(stage.id) ?? launchServer(stage, index);
    serverStarts.set(stage.id, started);
    return started;
  };
  const launchServer = async (stage: Stage, index: number): Promise<void> => {
    const argv = stageArgv(stage, { ...scope, stages: scope.stages });
    emit({ type: 'stage-start', index, total, stage, argv });
    const started = Date.now();
    const { result, child } = await runStageProcess({
      argv,
      cwd,
      logFile: stageLogFile(workdir, stage.id),
      ...(options.signal ? { signal: options.signal } : {}),
      readyWhen: (line) => typeof line.url === 'string',
    });
    servers.set(stage.id, child);
    scope.stages[stage.id] = { dir: join(workdir, stage.id), ...flatten(result) };
    emit({
      type: 'stage-done',
      index,
      total,
      stage,
      wallMs: Date.now() - started,
      result: scope.stages[stage.id] ?? {},
    });
  };

  /** Runs one stage (or skips it when unchanged); the scheduler below decides when. */
  const runStage = async (stage: Stage, index: number, fingerprint: string): Promise<void> => {
    if (options.signal?.aborted) throw new AbortedError();
    const dir = join(workdir, stage.id);
    if (stage.command === 'serve') {
      scope.stages[stage.id] = { dir };
      outcomes.push({ id: stage.id, status: 'skipped', wallMs: 0, result: {} });
      return;
    }
    const previous = state.get(stage.id);
    const outputsExist = stage.outputs.every((o) => existsSync(join(workdir, o)));
    if (
      !options.force &&
      previous?.status === 'done' &&
      previous.fingerprint === fingerprint &&
      outputsExist
    ) {
      scope.stages[stage.id] = { dir, ...previous.result };
      outcomes.push({ id: stage.id, status: 'skipped', wallMs: previous.wallMs, result: previous.result });
      emit({ type: 'stage-skip', index, total, stage, reason: 'unchanged since last run' });
      return;
    }
    for (const need of stage.needs) {
      const needed = recipe.stages.find((s) => s.id === need);
      if (needed?.command === 'serve') {
        await startServer(needed, recipe.stages.indexOf(needed));
        const o = outcomes.find((x) => x.id === need);
        if (o) o.status = 'ran';
      }
    }
    // The stage's folder holds what an earlier attempt left: kept for an attempt of the same stage (a `resume`
    // picks up its checkpoints), removed when its settings or inputs changed since, or under --force, so that
    // nothing made with other settings (a checkpoint of a longer run) is taken for this run's own.
    if (previous && (options.force || previous.fingerprint !== fingerprint))
      rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    state.set(stage.id, {
      fingerprint,
      status: 'running',
      startedAt: new Date().toISOString(),
      wallMs: 0,
      result: {},
    });
    const stageScope = { ...scope, dir };
    const argv = stageArgv(stage, stageScope);
    let started = Date.now();
    try {
      await options.beforeStage?.(stage);
      started = Date.now();
      emit({ type: 'stage-start', index, total, stage, argv });
      const { result } = await runStageProcess({
        argv,
        cwd,
        logFile: stageLogFile(workdir, stage.id),
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (progress) => emit({ type: 'stage-progress', index, total, stage, progress }),
      });
      const flat = { dir, ...flatten(result) };
      const wallMs = Date.now() - started;
      state.set(stage.id, {
        fingerprint,
        status: 'done',
        startedAt: new Date(started).toISOString(),
        wallMs,
        result: flat,
      });
      scope.stages[stage.id] = flat;
      outcomes.push({ id: stage.id, status: 'ran', wallMs, result: flat });
      emit({ type: 'stage-done', index, total, stage, wallMs, result: flat });
    } catch (error) {
      if (options.signal?.aborted) throw new AbortedError();
      const message = DistillError.isInstance(error) ? error.toLine() : String(error);
      state.set(stage.id, {
        fingerprint,
        status: 'failed',
        startedAt: new Date(started).toISOString(),
        wallMs: Date.now() - started,
        result: {},
        error: message,
      });
      emit({ type: 'stage-failed', index, total, stage, error: message });
      outcomes.push({
        id: stage.id,
        status: 'failed',
        wallMs: Date.now() - started,
        result: {},
        error: message,
      });
      if (!stage.optional) throw error;
      scope.stages[stage.id] = { dir };
    }
  };

  // A stage starts when every stage before it has ended; a `parallel` one as soon as the stages it uses have, beside
  // the others. A failed stage stops the stages after it that wait for it; those already running end on their own.
  const ended = new Map<string, Promise<void>>();
  const all: Promise<void>[] = [];
  try {
    for (const [index, stage] of recipe.stages.entries()) {
      const staticScope = { workdir, dir: join(workdir, stage.id), vars: recipe.vars };
      const resolved: Stage = {
        ...stage,
        positional: stage.positional.map((p) => substituteStatic(p, staticScope)),
        args: JSON.parse(substituteStatic(JSON.stringify(stage.args), staticScope)) as Stage['args'],
      };
      const fingerprint = stageFingerprint(
        resolved,
        stage.needs.map((n) => fingerprints.get(n) ?? ''),
        cwd,
        workdir,
      );
      fingerprints.set(stage.id, fingerprint);
      const before = stage.parallel ? stage.needs.map((n) => ended.get(n) ?? Promise.resolve()) : [...all];
      const run = Promise.all(before).then(() => runStage(stage, index, fingerprint));
      run.catch(() => {}); // observed below, after every stage has ended
      ended.set(stage.id, run);
      all.push(run);
    }
    const settled = await Promise.allSettled(all);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    for (const child of servers.values()) if (child.exitCode === null) child.kill('SIGTERM');
  }
  const order = new Map(recipe.stages.map((st, i) => [st.id, i]));
  outcomes.sort((x, y) => (order.get(x.id) ?? 0) - (order.get(y.id) ?? 0));
  const summary = recipe.summary ? substitute(recipe.summary, scope, 'summary') : '';
  return { name: recipe.name, workdir, stages: outcomes, summary };
}
