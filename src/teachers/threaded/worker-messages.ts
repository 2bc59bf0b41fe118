import type { ChatRequest } from '../../core/chat-model.ts';
import type { WireError } from '../../core/errors/wire-error.ts';
import type { Trace } from '../../core/trace.ts';
import type { CreateTeacherOptions } from '../create-teacher.ts';

/** What a worker needs to build a teacher: the original (unredacted) URI and the options that can be cloned. */
export type WorkerTeacherOptions = Omit<CreateTeacherOptions, 'fetch' | 'httpThreads'>;

/** Build teacher `tid` (sent once per worker, before the first request for it). */
export interface OpenTeacher {
  tid: number;
  uri: string;
  options: WorkerTeacherOptions;
}

/** One `generate` call. `gid` names the caller's AbortSignal (0: none). */
export interface Job {
  id: number;
  tid: number;
  gid: number;
  request: ChatRequest;
  timeoutMs: number | undefined;
}

/** Main thread → worker: the requests of one tick (and the teachers they need), or an abort of a signal group. */
export type ToWorker =
  | { type: 'batch'; opens: OpenTeacher[]; jobs: Job[] }
  | { type: 'abort'; gid: number; timeout: boolean }
  /** Tests only: throw `message` uncaught in the worker (a crash, as a bug there would be). */
  | { type: 'crash-for-testing'; message: string };

/** Worker → main thread: `ready` once, then the settled requests of one turn of its loop. */
export type Settled = { id: number; trace: Trace; error?: undefined } | { id: number; error: WireError };
export type FromWorker = 'ready' | Settled[];
