import { Worker } from 'node:worker_threads';
import type { ChatRequest } from '../../core/chat-model.ts';
import { ProviderError } from '../../core/errors/provider-error.ts';
import type { Trace } from '../../core/trace.ts';
import { tsWorkerUrl } from '../../core/ts-worker.ts';
import { abortError } from '../provider-errors.ts';
import type { GenerateOptions } from '../teacher.ts';
import { generateErrorFromWire } from './wire-error.ts';
import type { FromWorker, Job, OpenTeacher, ToWorker, WorkerTeacherOptions } from './worker-messages.ts';

/** The worker is TypeScript (started through tsx). */
const bootstrap = tsWorkerUrl(new URL('./teacher-worker.ts', import.meta.url));

/** One worker thread: started with the first teacher that needs it, restarted after it dies, referenced only while it has work. */
interface Lane {
  worker: Worker | undefined;
  ready: boolean;
  /** Requests not yet posted (sent once per tick) and the teachers the worker must build first. */
  jobs: Job[];
  opens: OpenTeacher[];
  /** Teacher ids this worker has been told to build. */
  opened: boolean[];
  /** Requests queued or in flight: the worker is `ref`'d while this is above 0. */
  busy: number;
}

const lanes: Lane[] = [];
// The pending requests, by slot id: parallel arrays and a free list. A Map or Set add+delete per request measured
// tens of µs a request in V8 here (bench/generate), as much as the rest of the hand-off.
const resolvers: (((trace: Trace) => void) | undefined)[] = [];
const rejecters: (((error: unknown) => void) | undefined)[] = [];
/** The lane a slot was posted to (-1 while queued). */
const postedTo: number[] = [];
const free: number[] = [];
let scheduled = false;

const teacherIds = new Map<string, number>();
const teacherSpecs: OpenTeacher[] = [];
const groups = new WeakMap<AbortSignal, number>();
let nextGroup = 1;

/** The id every worker knows a teacher by: one per distinct (URI, options), for the life of the process. */
export function teacherId(uri: string, options: WorkerTeacherOptions): number {
  const key = JSON.stringify([uri, options]);
  let tid = teacherIds.get(key);
  if (tid === undefined) {
    tid = teacherSpecs.length;
    teacherSpecs.push({ tid, uri, options });
    teacherIds.set(key, tid);
  }
  return tid;
}

function lane(index: number): Lane {
  while (lanes.length <= index)
    lanes.push({ worker: undefined, ready: false, jobs: [], opens: [], opened: [], busy: 0 });
  return lanes[index]!;
}

function flush(): void {
  scheduled = false;
  for (let i = 0; i < lanes.length; i++) {
    const l = lanes[i]!;
    if (!l.ready || l.jobs.length === 0) continue;
    const jobs = l.jobs;
    for (const job of jobs) postedTo[job.id] = i;
    const message: ToWorker = { type: 'batch', opens: l.opens, jobs };
    l.jobs = [];
    l.opens = [];
    try {
      l.worker!.postMessage(message);
    } catch {
      // A request that cannot be cloned (a caller's bug): send the rest one by one and fail only that one.
      l.worker!.postMessage({ type: 'batch', opens: message.opens, jobs: [] } satisfies ToWorker);
      for (const job of jobs) postAlone(l, job);
    }
  }
}

function postAlone(l: Lane, job: Job): void {
  try {
    l.worker!.postMessage({ type: 'batch', opens: [], jobs: [job] } satisfies ToWorker);
  } catch (error) {
    const reject = rejecters[job.id];
    resolvers[job.id] = undefined;
    rejecters[job.id] = undefined;
    postedTo[job.id] = -1;
    free.push(job.id);
    release(l);
    reject?.(
      new ProviderError(
        'bad-request',
        `The request could not be handed to the teacher's HTTP worker: ${error}`,
        {
          retryable: false,
          hint: 'a request must be plain data (messages, numbers, strings)',
        },
      ),
    );
  }
}

/**
 * Post the queued requests once per turn of the event loop (setImmediate), not per microtask: the engine submits
 * from promise chains several steps deep, and a microtask flush sent one message per request (35 per message with
 * this, measured in a 4,000-request run).
 */
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(flush);
}

function release(l: Lane): void {
  if (--l.busy === 0) l.worker?.unref();
}

function settle(message: FromWorker, l: Lane): void {
  if (message === 'ready') {
    l.ready = true;
    schedule();
    return;
  }
  for (const s of message) {
    const resolve = resolvers[s.id];
    const reject = rejecters[s.id];
    if (!resolve || !reject) continue;
    resolvers[s.id] = undefined;
    rejecters[s.id] = undefined;
    free.push(s.id);
    release(l);
    if (s.error) reject(generateErrorFromWire(s.error));
    else resolve(s.trace);
  }
}

/** Fail what the dead worker held; queued requests go to a fresh one (or fail too, when it never started). */
function died(index: number, worker: Worker, detail: string): void {
  const l = lanes[index]!;
  if (l.worker !== worker) return;
  const started = l.ready;
  l.worker = undefined;
  l.ready = false;
  l.opened = [];
  l.opens = [];
  const error = () =>
    new ProviderError(
      'network',
      started
        ? `The teacher's HTTP worker thread stopped (${detail}) with this request in flight`
        : `The teacher's HTTP worker thread failed to start (${detail})`,
      {
        hint: 'the next request starts a new worker; --http-threads 0 keeps the teacher HTTP on the main thread',
      },
    );
  for (let id = 0; id < postedTo.length; id++) {
    if (postedTo[id] !== index) continue;
    const reject = rejecters[id];
    postedTo[id] = -1;
    if (!reject) continue;
    resolvers[id] = undefined;
    rejecters[id] = undefined;
    free.push(id);
    l.busy--;
    reject(error());
  }
  const queued = l.jobs;
  if (!started) {
    l.jobs = [];
    for (const job of queued) {
      const reject = rejecters[job.id];
      resolvers[job.id] = undefined;
      rejecters[job.id] = undefined;
      free.push(job.id);
      l.busy--;
      reject?.(error());
    }
  } else if (queued.length > 0) {
    for (const job of queued) open(l, job.tid);
    spawn(index);
  }
}

function spawn(index: number): void {
  const l = lane(index);
  const worker = new Worker(bootstrap);
  l.worker = worker;
  l.ready = false;
  worker.on('message', (message: FromWorker) => settle(message, l));
  worker.on('error', (error: Error) => died(index, worker, error.message));
  worker.on('exit', (code: number) => died(index, worker, `exit code ${code}`));
  // After the listeners: attaching a 'message' listener refs the worker again.
  if (l.busy === 0) worker.unref();
}

function open(l: Lane, tid: number): void {
  if (l.opened[tid]) return;
  l.opened[tid] = true;
  l.opens.push(teacherSpecs[tid]!);
}

/** Reject the queued requests of signal group `gid` as the in-process teacher would (`aborted` or `timeout`). */
function dropGroup(l: Lane, gid: number, signal: AbortSignal): void {
  const kept: Job[] = [];
  const dropped: Job[] = [];
  for (const job of l.jobs) (job.gid === gid ? dropped : kept).push(job);
  l.jobs = kept;
  for (const job of dropped) {
    const reject = rejecters[job.id];
    resolvers[job.id] = undefined;
    rejecters[job.id] = undefined;
    free.push(job.id);
    release(l);
    reject?.(abortError(signal));
  }
}

function groupOf(signal: AbortSignal): number {
  let gid = groups.get(signal);
  if (gid !== undefined) return gid;
  gid = nextGroup++;
  groups.set(signal, gid);
  const id = gid;
  // One listener per distinct signal (a run's signal is shared by all its requests), none per request.
  signal.addEventListener(
    'abort',
    () => {
      // Requests not posted yet (this tick's, or a starting worker's) fail here; the posted ones in their worker.
      for (const l of lanes) if (l.jobs.length > 0) dropGroup(l, id, signal);
      const reason = signal.reason as { name?: string } | undefined;
      const message: ToWorker = { type: 'abort', gid: id, timeout: reason?.name === 'TimeoutError' };
      for (const l of lanes) if (l.ready) l.worker?.postMessage(message);
    },
    { once: true },
  );
  return gid;
}

/**
 * Start worker threads 0..count-1 now if they are not running (a worker takes ~1 s to load its TypeScript; a new
 * threaded teacher starts them while the caller opens its store and loads problems). Idle, they hold nothing open.
 */
export function warmUp(count: number): void {
  for (let i = 0; i < count; i++) if (!lane(i).worker) spawn(i);
}

/** Run `generate` of teacher `tid` on worker thread `index` (started if needed). */
export function submit(
  index: number,
  tid: number,
  request: ChatRequest,
  options: GenerateOptions | undefined,
): Promise<Trace> {
  const signal = options?.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const gid = signal ? groupOf(signal) : 0;
  const l = lane(index);
  if (!l.worker) spawn(index);
  if (l.busy++ === 0) l.worker!.ref();
  open(l, tid);
  return new Promise<Trace>((resolve, reject) => {
    const id = free.length > 0 ? free.pop()! : resolvers.length;
    resolvers[id] = resolve;
    rejecters[id] = reject;
    postedTo[id] = -1;
    l.jobs.push({ id, tid, gid, request, timeoutMs: options?.timeoutMs });
    schedule();
  });
}

/** The live worker threads, by lane (tests end one to check that its requests fail and the next one works). */
export function httpWorkersForTesting(): readonly (Worker | undefined)[] {
  return lanes.map((l) => l.worker);
}
