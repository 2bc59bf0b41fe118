import type { ChatRequest, GenerationControl } from '../../core/chat-model.ts';
import type { StreamPart } from '../../core/stream-part.ts';
import type { Trace } from '../../core/trace.ts';
import type { CreateTeacherOptions } from '../create-teacher.ts';
import type { GenerateOptions, Teacher, TeacherInfo } from '../teacher.ts';
import { submit, teacherId, warmUp } from './http-lanes.ts';
import type { WorkerTeacherOptions } from './worker-messages.ts';

export interface ThreadedTeacherOptions {
  /** The URI the teacher was created from, unredacted (the worker builds its own copy from it). */
  uri: string;
  /** The options it was created with (the cloneable ones are sent to the worker; `fetch` never is). */
  options: CreateTeacherOptions;
  /** Worker threads to spread requests over (the first `threads` of the process-wide ones). */
  threads: number;
}

/** The options a worker can rebuild the teacher from: everything but functions, the environment as a snapshot. */
export function workerTeacherOptions(options: CreateTeacherOptions): WorkerTeacherOptions {
  const { fetch: _fetch, httpThreads: _threads, env, ...rest } = options;
  const out: WorkerTeacherOptions = { env: { ...(env ?? process.env) } };
  for (const [key, value] of Object.entries(rest))
    if (value !== undefined) Object.assign(out, { [key]: value });
  return out;
}

/**
 * A teacher whose `generate` runs in worker threads: the HTTP, SSE parsing and trace fold of each request happen
 * off the main thread, which keeps only the hand-off (one message per event-loop turn per worker, each way). `info`,
 * `id` and `stream` are the in-process teacher's. The workers are process-wide, started when the first teacher that
 * needs them is created, shared by every threaded teacher of the process, and never keep it alive when idle.
 */
export class ThreadedTeacher implements Teacher {
  readonly info: TeacherInfo;
  private readonly tid: number;
  private readonly threads: number;
  private next = 0;

  constructor(
    private readonly local: Teacher,
    options: ThreadedTeacherOptions,
  ) {
    this.info = local.info;
    this.threads = Math.max(1, Math.floor(options.threads));
    this.tid = teacherId(options.uri, workerTeacherOptions(options.options));
    warmUp(this.threads);
  }

  get id(): string {
    return this.local.id;
  }

  /** Worker threads this teacher's requests are spread over. */
  get httpThreads(): number {
    return this.threads;
  }

  stream(
    request: ChatRequest,
    options?: { signal?: AbortSignal; control?: (c: GenerationControl) => void },
  ): AsyncIterable<StreamPart> {
    return this.local.stream(request, options);
  }

  generate(request: ChatRequest, options?: GenerateOptions): Promise<Trace> {
    const index = this.next;
    this.next = index + 1 === this.threads ? 0 : index + 1;
    return submit(index, this.tid, request, options);
  }
}
