import type Database from 'better-sqlite3';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { stableId } from '../core/hash.ts';
import { readJson } from './json-column.ts';
import { currentOwner, ownerIsGone } from './run-liveness.ts';
import {
  type CreateRunInput,
  type ListRunsOptions,
  type Run,
  RunStatusSchema,
  type UpdateRunInput,
} from './run-record.ts';
import { now, prepared, writeTransaction } from './statements.ts';

interface RunRow {
  id: string;
  name: string;
  kind: string;
  status: string;
  config: string;
  summary: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** Absent on a store opened read-only before migration 002. */
  owner_pid?: number | null;
  owner_host?: string | null;
  heartbeat_at?: string | null;
}

const JsonObject = z.record(z.string(), z.unknown());
const finalStatuses = new Set(['completed', 'incomplete', 'failed', 'interrupted', 'stopped']);

function ownerOf(row: RunRow): Run['owner'] {
  if (row.owner_pid === undefined || row.owner_pid === null || !row.owner_host) return null;
  return { pid: row.owner_pid, host: row.owner_host, heartbeatAt: row.heartbeat_at ?? row.updated_at };
}

/**
 * The run a row describes. A row still saying `running` whose owner is gone (dead pid on this host, or a stale
 * heartbeat) reads as `interrupted`: the process was killed without a chance to say so. A row from before owners
 * were recorded is judged by its last update.
 */
function toRun(row: RunRow): Run {
  const where = `run ${row.name}`;
  const owner = ownerOf(row);
  const stored = RunStatusSchema.parse(row.status);
  const status =
    stored === 'running' && ownerIsGone(owner ?? { heartbeatAt: row.heartbeat_at ?? row.updated_at })
      ? 'interrupted'
      : stored;
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    status,
    config: readJson(row.config, JsonObject, `${where} config`),
    summary: readJson(row.summary, JsonObject, `${where} summary`),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    owner,
  };
}

function findRow(db: Database.Database, idOrName: string): RunRow | undefined {
  return prepared<[string, string], RunRow>(db, 'SELECT * FROM runs WHERE id = ? OR name = ? LIMIT 1').get(
    idOrName,
    idOrName,
  );
}

/** The deterministic id of a run called `name`. */
export function runIdFor(name: string): string {
  return `run-${stableId('run', name)}`;
}

export function createRun(db: Database.Database, input: CreateRunInput): Run {
  if (!input.name.trim()) throw new InvalidInputError('A run name must not be empty');
  const id = input.id ?? runIdFor(input.name);
  const at = now();
  const status = RunStatusSchema.parse(input.status ?? 'pending');
  const result = prepared(
    db,
    `INSERT OR IGNORE INTO runs (id, name, kind, status, config, summary, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, '{}', ?, ?)`,
  ).run(id, input.name, input.kind, status, JSON.stringify(input.config ?? {}), at, at);
  if (result.changes === 0) {
    throw new InvalidInputError(`A run named '${input.name}' already exists`, {
      hint: 'choose another name, or resume it with the same command',
    });
  }
  return requireRun(db, id);
}

/** The run with this id or name, or undefined. */
export function findRun(db: Database.Database, idOrName: string): Run | undefined {
  const row = findRow(db, idOrName);
  return row ? toRun(row) : undefined;
}

/** The run with this id or name; NotFoundError otherwise. */
export function requireRun(db: Database.Database, idOrName: string): Run {
  const run = findRun(db, idOrName);
  if (!run) {
    throw new NotFoundError('run', `No run '${idOrName}' in the store`, {
      hint: 'list runs with `distill runs list`',
    });
  }
  return run;
}

/** The existing run called `input.name` (same kind required), or a new one. For resumable commands. */
export function ensureRun(db: Database.Database, input: CreateRunInput): { run: Run; created: boolean } {
  return writeTransaction(db, () => {
    const existing = findRun(db, input.name);
    if (existing) {
      if (existing.kind !== input.kind) {
        throw new InvalidInputError(
          `Run '${input.name}' exists with kind '${existing.kind}', not '${input.kind}'`,
          { hint: 'choose another run name' },
        );
      }
      return { run: existing, created: false };
    }
    return { run: createRun(db, input), created: true };
  });
}

export function listRuns(db: Database.Database, options: ListRunsOptions = {}): Run[] {
  const rows = prepared<[{ kind: string | null }], RunRow>(
    db,
    'SELECT * FROM runs WHERE (@kind IS NULL OR kind = @kind) ORDER BY created_at DESC, name',
  ).all({ kind: options.kind ?? null });
  // Status is filtered after reading: a stored `running` may read as `interrupted`.
  const runs = rows.map(toRun).filter((r) => !options.status || r.status === options.status);
  return options.limit !== undefined && options.limit >= 0 ? runs.slice(0, options.limit) : runs;
}

/**
 * Change status (final statuses set `finishedAt`), shallow-merge summary, replace config. Setting `running` makes
 * this process the run's owner (pid, host, heartbeat): a resumed run takes ownership again.
 */
export function updateRun(db: Database.Database, idOrName: string, input: UpdateRunInput): Run {
  return writeTransaction(db, () => {
    const row = findRow(db, idOrName);
    const run = row ? toRun(row) : requireRun(db, idOrName);
    // The stored status, not the one read through liveness: a writer never records a guess.
    const status = input.status ? RunStatusSchema.parse(input.status) : RunStatusSchema.parse(row!.status);
    const summary = { ...run.summary };
    for (const [key, value] of Object.entries(input.summary ?? {})) {
      if (value !== undefined) summary[key] = value;
    }
    const at = now();
    const finishedAt = finalStatuses.has(status) ? (input.status ? at : run.finishedAt) : null;
    prepared(
      db,
      'UPDATE runs SET status = ?, summary = ?, config = ?, updated_at = ?, finished_at = ? WHERE id = ?',
    ).run(
      status,
      JSON.stringify(summary),
      JSON.stringify(input.config ?? run.config),
      at,
      finishedAt,
      run.id,
    );
    if (input.status === 'running') {
      const owner = currentOwner();
      prepared(db, 'UPDATE runs SET owner_pid = ?, owner_host = ?, heartbeat_at = ? WHERE id = ?').run(
        owner.pid,
        owner.host,
        at,
        run.id,
      );
    }
    return requireRun(db, run.id);
  });
}

/** Refresh the heartbeat of a run this process owns (one indexed UPDATE; a no-op once the run has ended). */
export function heartbeatRun(db: Database.Database, runId: string): void {
  const owner = currentOwner();
  prepared(
    db,
    "UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'running' AND owner_pid = ? AND owner_host = ?",
  ).run(now(), runId, owner.pid, owner.host);
}
