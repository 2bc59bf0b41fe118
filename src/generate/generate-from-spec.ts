import type { Problem } from '../core/problem.ts';
import { sampleKey } from '../store/sample-key.ts';
import type { Store } from '../store/store.ts';
import { loadProblems, specSize } from '../tasks/load.ts';
import { createTeacher } from '../teachers/create-teacher.ts';
import type { PoolEndpointCheck } from '../teachers/pool/create-pool.ts';
import { openTeachers, teacherEntries } from '../teachers/pool/open-teachers.ts';
import type { PoolTeacher } from '../teachers/pool/pool-teacher.ts';
import type { Teacher } from '../teachers/teacher.ts';
import type { TermsRecord } from '../teachers/terms/registry.ts';
import { resolveTerms } from '../teachers/terms/resolve-terms.ts';
import { loadConfigFile } from './config-file.ts';
import { type DryRunEstimate, estimateGeneration } from './estimate.ts';
import { checkGenerationSettings, type GenerationResult, type RunGenerationOptions } from './options.ts';
import { runGeneration } from './run-generation.ts';

export interface GenerateFromSpecOptions
  extends Omit<RunGenerationOptions, 'teacher' | 'problems' | 'problemCount' | 'terms' | 'store' | 'config'> {
  store: Store;
  /** Teacher URI, or several (a pool of endpoints serving the same model). */
  teacherUri: string | readonly string[];
  /** Pool file (`teachers.yaml`): URIs with weight, concurrency and RPM each. Defaults to none. */
  teachersFile?: string;
  /** Task spec (`add:2000:train,gsm8k:50`, `jsonl:PATH`, …). */
  tasks: string;
  /** Terms id overriding the registry's guess. Defaults to the guess. */
  termsId?: string;
  /** Config file path. Defaults to `./distill.config.json` when present. */
  configPath?: string;
  /** Estimate tokens and cost only; send nothing. Defaults to false. */
  dryRun?: boolean;
  /** Stream replies. Defaults to the URI's choice (true). */
  stream?: boolean;
  /** Called once the teacher and its terms are known, before anything is sent. */
  onStart?: (info: { teacher: Teacher; terms: TermsRecord; problemCount: number | undefined }) => void;
  /** Environment for keys and base URLs. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Worker threads for the teacher's HTTP (`createTeacher`'s `httpThreads`; each pool member gets its own).
   * Defaults to 0 (the CLI passes `auto`).
   */
  httpThreads?: number | 'auto';
}

export type GenerateFromSpecResult =
  | { kind: 'dry-run'; teacher: string; terms: TermsRecord; estimate: DryRunEstimate }
  | { kind: 'run'; teacher: string; terms: TermsRecord; result: GenerationResult };

/** What `distill generate` does: config → teacher → terms → problems → engine (or an estimate). */
export async function generateFromSpec(options: GenerateFromSpecOptions): Promise<GenerateFromSpecResult> {
  checkGenerationSettings(options);
  const config = loadConfigFile(options.configPath);
  const teacherOptions = {
    prices: config.prices,
    apiKeyEnv: config.apiKeyEnv,
    ...(options.env ? { env: options.env } : {}),
    ...(options.termsId ? { terms: options.termsId } : {}),
    ...(options.stream !== undefined ? { stream: options.stream } : {}),
    ...(options.dryRun ? { allowMissingKey: true } : {}),
    // A dry run sends nothing: no worker is ever started for it.
    ...(options.httpThreads !== undefined && !options.dryRun ? { httpThreads: options.httpThreads } : {}),
  };
  const spec = {
    uris: typeof options.teacherUri === 'string' ? [options.teacherUri] : [...options.teacherUri],
    ...(options.teachersFile ? { file: options.teachersFile } : {}),
  };
  const hint = 'pass --teacher URI (repeatable) or --teachers FILE';
  let teacher: Teacher;
  let poolChecks: PoolEndpointCheck[] | undefined;
  if (options.dryRun)
    // A dry run sends nothing, not even the /v1/models check; the first endpoint prices the estimate.
    teacher = await createTeacher(teacherEntries(spec, hint)[0]!.uri, teacherOptions);
  else {
    const opened = await openTeachers(spec, {
      ...teacherOptions,
      defaultConcurrency: options.concurrency ?? 8,
      hint,
    });
    teacher = opened.teacher;
    poolChecks = opened.checks;
  }
  const terms = resolveTerms(teacher.info, options.termsId ?? teacher.info.termsId);
  const problemCount = specSize(options.tasks);
  options.onStart?.({ teacher, terms, problemCount });
  const problems = (): AsyncIterable<Problem> =>
    loadProblems(options.tasks, options.signal ? { signal: options.signal } : {});
  if (options.dryRun) {
    const run = options.store.getRun(options.runName);
    const done = run ? options.store.completedKeys(run.id) : undefined;
    const estimate = await estimateGeneration({
      problems: problems(),
      samples: options.samples ?? 1,
      maxTokens: options.maxTokens ?? 8192,
      price: teacher.info.price,
      ...(run && done ? { isDone: (id: string, idx: number) => done.has(sampleKey(run.id, id, idx)) } : {}),
    });
    return { kind: 'dry-run', teacher: teacher.info.uri, terms, estimate };
  }
  const {
    store,
    teacherUri: _u,
    teachersFile: _f,
    tasks,
    termsId: _t,
    configPath: _c,
    dryRun: _d,
    stream: _s,
    onStart: _o,
    env: _e,
    httpThreads: _h,
    ...rest
  } = options;
  const result = await runGeneration({
    ...rest,
    store,
    teacher,
    terms,
    problems: problems(),
    ...(problemCount !== undefined ? { problemCount } : {}),
    ...(config.apiKeyEnv?.[teacher.info.provider] ? { keyEnv: config.apiKeyEnv[teacher.info.provider] } : {}),
    ...(poolChecks
      ? { concurrency: Math.max(rest.concurrency ?? 0, (teacher as PoolTeacher).capacity) }
      : {}),
    config: { tasks, ...(poolChecks ? { pool: poolChecks } : {}) },
  });
  return { kind: 'run', teacher: teacher.info.uri, terms, result };
}
