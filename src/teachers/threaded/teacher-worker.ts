import { parentPort } from 'node:worker_threads';
import type { Trace } from '../../core/trace.ts';
import { createTeacher } from '../create-teacher.ts';
import type { GenerateOptions, Teacher } from '../teacher.ts';
import { generateWireError } from './wire-error.ts';
import type { FromWorker, Job, Settled, ToWorker } from './worker-messages.ts';

/**
 * The teacher HTTP worker: hosts the teachers the main thread opens (by id), runs each job's `generate`, and posts
 * the settled ones back together once per turn of its loop. One AbortController per signal group, dropped when the
 * group has nothing in flight.
 */
const port = parentPort;
if (!port) throw new Error('teacher-worker.ts runs only as a worker thread');

const teachers: (Teacher | Promise<Teacher> | undefined)[] = [];
const groups = new Map<number, { controller: AbortController; count: number }>();
let out: Settled[] = [];
let scheduled = false;

const flush = () => {
  scheduled = false;
  const batch = out;
  out = [];
  port.postMessage(batch satisfies FromWorker);
};
const settle = (s: Settled) => {
  out.push(s);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
};

/**
 * One job in flight: its signal group and how it settles. A class, not closures made per job: tsx names each
 * `const f = () => …` with a `defineProperty` call every time it is created (see undici-chat-call.ts).
 */
class Running {
  constructor(
    private readonly job: Job,
    private readonly group: { controller: AbortController; count: number } | undefined,
  ) {}

  private done(): void {
    const { group, job } = this;
    if (group && --group.count === 0 && groups.get(job.gid) === group) groups.delete(job.gid);
  }

  ok(trace: Trace): void {
    this.done();
    settle({ id: this.job.id, trace });
  }

  fail(error: unknown): void {
    this.done();
    settle({ id: this.job.id, error: generateWireError(error, this.group?.controller.signal) });
  }
}

function run(job: Job): void {
  let group: { controller: AbortController; count: number } | undefined;
  if (job.gid !== 0) {
    group = groups.get(job.gid);
    if (!group) {
      group = { controller: new AbortController(), count: 0 };
      groups.set(job.gid, group);
    }
    group.count++;
  }
  const options: GenerateOptions = {};
  if (group) options.signal = group.controller.signal;
  if (job.timeoutMs !== undefined) options.timeoutMs = job.timeoutMs;
  const running = new Running(job, group);
  const teacher = teachers[job.tid];
  if (!teacher) running.fail(new Error(`teacher ${job.tid} was never opened in this worker`));
  else if (teacher instanceof Promise)
    teacher
      .then((t) => t.generate(job.request, options))
      .then(
        (trace) => running.ok(trace),
        (error: unknown) => running.fail(error),
      );
  else
    teacher.generate(job.request, options).then(
      (trace) => running.ok(trace),
      (error: unknown) => running.fail(error),
    );
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'crash-for-testing') {
    setImmediate(() => {
      throw new Error(message.message);
    });
    return;
  }
  if (message.type === 'abort') {
    const reason = message.timeout
      ? new DOMException('Request timed out', 'TimeoutError')
      : new DOMException('This operation was aborted', 'AbortError');
    groups.get(message.gid)?.controller.abort(reason);
    return;
  }
  for (const open of message.opens) {
    const created = createTeacher(open.uri, open.options);
    teachers[open.tid] = created;
    // Once built, jobs call it directly (no extra promise step per request).
    created.then(
      (t) => {
        if (teachers[open.tid] === created) teachers[open.tid] = t;
      },
      () => {},
    );
  }
  for (const job of message.jobs) run(job);
});

port.postMessage('ready' satisfies FromWorker);
