import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { createTeacher } from '../create-teacher.ts';
import type { Teacher } from '../teacher.ts';
import { httpThreadsForRun } from '../threaded/http-threads.ts';
import { type CreatePoolOptions, createPool, type PoolEndpointCheck } from './create-pool.ts';
import { loadPoolFile, type PoolEntry } from './pool-file.ts';
import type { PoolTeacher } from './pool-teacher.ts';

/** What the user named: repeated URIs (`--teacher`, `--model`) and/or a pool file (`--teachers`). */
export interface TeacherSpec {
  uris: readonly string[];
  /** Pool file (`teachers.yaml`). Defaults to none. */
  file?: string;
}

/** The endpoints a spec names: the URIs (weight 1, the run's concurrency) followed by the pool file's entries. */
export function teacherEntries(spec: TeacherSpec, hint: string): PoolEntry[] {
  const entries: PoolEntry[] = [
    ...spec.uris.map((uri) => ({ uri, weight: 1 })),
    ...(spec.file ? loadPoolFile(spec.file) : []),
  ];
  if (entries.length === 0) throw new InvalidInputError('No teacher given', { hint });
  return entries;
}

/** Whether a spec makes a pool: several endpoints, or any pool file (even of one endpoint). */
export function isPoolSpec(spec: TeacherSpec): boolean {
  return spec.file !== undefined || spec.uris.length > 1;
}

export type OpenedTeachers =
  | { teacher: Teacher; pool?: undefined; checks?: undefined }
  | { teacher: PoolTeacher; pool: PoolTeacher; checks: PoolEndpointCheck[] };

/**
 * One teacher, or a pool when the spec names several endpoints or a pool file: the one place `generate` and `eval`
 * turn `--teacher`/`--model` (repeatable) and `--teachers FILE` into the `Teacher` they run.
 */
export async function openTeachers(
  spec: TeacherSpec,
  options: CreatePoolOptions & { hint: string },
): Promise<OpenedTeachers> {
  const { hint, ...rest } = options;
  const entries = teacherEntries(spec, hint);
  // The run keeps its concurrency in flight, or the pool's capacity when that is larger (generate and eval).
  const perEndpoint = rest.defaultConcurrency;
  const inFlight = isPoolSpec(spec)
    ? Math.max(
        perEndpoint,
        entries.reduce((sum, e) => sum + (e.concurrency ?? perEndpoint), 0),
      )
    : perEndpoint;
  const httpThreads = httpThreadsForRun(rest.httpThreads, inFlight);
  const poolOptions = { ...rest, ...(httpThreads !== undefined ? { httpThreads } : {}) };
  if (!isPoolSpec(spec)) {
    const { defaultConcurrency: _d, health: _h, checkTimeoutMs: _c, ...teacherOptions } = poolOptions;
    return { teacher: await createTeacher(entries[0]!.uri, teacherOptions) };
  }
  const { pool, checks } = await createPool(entries, poolOptions);
  return { teacher: pool, pool, checks };
}
