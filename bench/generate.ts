/**
 * Engine throughput vs a bare HTTP loop. A zero-latency OpenAI-compatible SSE server runs in a child process on
 * 127.0.0.1; the same N requests are sent (a) by a bare undici `request` loop reading each body, and (b) by
 * `runGeneration` (undici transport, reasoning normalisation, provenance, batched SQLite writes), both at
 * concurrency 64; then the engine again with verdicts filled at generation time (the verifier's own cost).
 * Prints req/s of each and the ratio (target ≥ 0.8). Then a teacher pool over 3 such servers (one per child
 * process): the pool's aggregate rate through the same engine. Ratios are measured in the same run, so a loaded
 * machine slows both sides alike. Each side is also measured per CPU-second of this (client) process — the servers
 * are child processes, outside it — which stays meaningful on a shared, loaded machine where wall-clock rates swing
 * with the neighbours: it is the rate one free core would sustain. Two more rows split the engine's cost: the
 * teacher alone (a loop of `teacher.generate` at the same concurrency: HTTP, SSE parsing, chunk checks, fold) and
 * the engine around an instant in-process teacher (dispatch, provenance, hashes, the SQLite writes). Engine rows
 * include closing the store (its final WAL checkpoint) and indexing the run for search.
 * Rounds alternate the rows (ROUNDS, default 7); each row prints its best round and the median, and each ratio is
 * the median over rounds of that round's pair (the engine and the bare loop measured seconds apart), which holds
 * up better on a shared machine than a ratio of bests.
 * The engine rows (and the pool's) run as the CLI does at `--concurrency 64`: `httpThreads: 'auto'` (1 worker thread
 * for the teacher's HTTP on a machine with 2+ cores; the CLI keeps it in-process below 64 requests in flight) and
 * `writerThread: 'auto'` (the write thread on 2+ cores): ADR 0014. Three more rows:
 * "engine, HTTP in-process" (`httpThreads: 0`, writes as the CLI), "engine, one thread" (neither worker: the engine
 * before ADR 0014) and "engine, writes in-process" (`writerThread: false`); "teacher alone" is the in-process teacher.
 * The CPU-second figures are this process's, worker threads included. On Linux a last line gives each side's
 * busiest thread's CPU per request (from /proc, in 10 ms ticks: a round's figure is within a few percent): the rate
 * each side would reach with a core per thread and the server on cores of its own. On a 2-core machine the engine's
 * threads and the server share two cores, so its wall-clock ratio is capped by its total CPU instead.
 * Run: npx tsx bench/generate.ts [N] [ROUNDS]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { Problem } from '../src/core/problem.ts';
import type { Trace } from '../src/core/trace.ts';
import { runGeneration } from '../src/generate/run-generation.ts';
import { openStore } from '../src/store/open-store.ts';
import { createTeacher } from '../src/teachers/create-teacher.ts';
import { createPool } from '../src/teachers/pool/create-pool.ts';
import type { Teacher } from '../src/teachers/teacher.ts';
import { busiestThreadSeconds, threadCpuSeconds } from './thread-cpu.ts';

const N = Number(process.argv[2] ?? 4000);
const ROUNDS = Number(process.argv[3] ?? 7);
const CONCURRENCY = 64;

const SERVER = `
const http = require('node:http');
const sse = (o) => 'data: ' + JSON.stringify(o) + '\\n\\n';
const base = { id: 'b', object: 'chat.completion.chunk', created: 1, model: 'bench' };
const ch = (delta, finish = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
const body = sse(ch({ role: 'assistant', content: null, reasoning_content: 'Adding the numbers' })) +
  sse(ch({ reasoning_content: ' gives 42.' })) + sse(ch({ content: 'The answer is \\\\boxed{42}.' })) +
  sse({ ...ch({}, 'stop'), usage: { prompt_tokens: 20, completion_tokens: 40, completion_tokens_details: { reasoning_tokens: 30 } } }) +
  'data: [DONE]\\n\\n';
const server = http.createServer((req, res) => {
  req.resume();
  if (req.method === 'GET' && req.url === '/v1/models') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ object: 'list', data: [{ id: 'bench', object: 'model' }] }));
  }
  req.on('end', () => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.end(body); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}`, child };
}

function problemsFor(n: number): AsyncIterable<Problem> {
  return (async function* () {
    for (let i = 0; i < n; i++)
      yield {
        id: `bench-${i}`,
        source: { kind: 'builtin', family: 'add', split: 'train', level: 1, seed: 0, index: i },
        prompt: `What is ${i} + ${i + 1}? Put the final answer in \\boxed{}.`,
        gold: String(2 * i + 1),
        answerKind: 'math',
        origin: 'synthetic',
        meta: {},
      } satisfies Problem;
  })();
}

/**
 * A rate three ways: requests per wall-clock second, per CPU-second of this process, and per CPU-second of its
 * busiest thread (NaN where /proc is not there).
 */
interface Rate {
  wall: number;
  cpu: number;
  busiest: number;
}

async function measured(n: number, run: () => Promise<void>): Promise<Rate> {
  const threads = threadCpuSeconds();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const busiest = busiestThreadSeconds(threads, threadCpuSeconds());
  return {
    wall: n / seconds,
    cpu: n / ((used.user + used.system) / 1e6),
    busiest: busiest > 0 ? n / busiest : Number.NaN,
  };
}

async function bareLoop(url: string, n: number): Promise<Rate> {
  const dispatcher = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 60_000 });
  let next = 0;
  const rate = await measured(n, async () => {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) {
          const i = next++;
          const body = JSON.stringify({
            model: 'bench',
            messages: [
              { role: 'user', content: `What is ${i} + ${i + 1}? Put the final answer in \\boxed{}.` },
            ],
            max_tokens: 8192,
            temperature: 0.6,
            top_p: 0.95,
            seed: i,
            stream: true,
            stream_options: { include_usage: true },
          });
          const res = await request(`${url}/v1/chat/completions`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
            dispatcher,
          });
          await res.body.text();
        }
      }),
    );
  });
  await dispatcher.close();
  return rate;
}

const prompt = (i: number) => `What is ${i} + ${i + 1}? Put the final answer in \\boxed{}.`;

/** The teacher alone: `teacher.generate` in a loop at the engine's concurrency, with its per-request timeout. */
async function teacherLoop(url: string, n: number): Promise<Rate> {
  const teacher = await createTeacher(`openai-compatible:${url}/v1#bench`, { env: {} });
  let next = 0;
  return measured(n, async () => {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) {
          const i = next++;
          await teacher.generate(
            {
              messages: [{ role: 'user', content: prompt(i) }],
              maxTokens: 8192,
              temperature: 0.6,
              topP: 0.95,
              seed: i,
            },
            { timeoutMs: 600_000 },
          );
        }
      }),
    );
  });
}

/** A teacher that answers at once, in process (the reply the loopback server streams, folded). */
function instantTeacher(info: Teacher['info']): Teacher {
  const trace: Trace = {
    reasoning: 'Adding the numbers gives 42.',
    answer: 'The answer is \\boxed{42}.',
    finishReason: 'stop',
    truncatedInThinking: false,
    thinkingEnd: 'natural',
    usage: { input: 20, reasoning: 30, output: 10 },
    timing: { ttftMs: 0.2, thinkingMs: 0.1, totalMs: 0.3, tokensPerSecond: 40_000 },
    raw: {
      reasoningField: 'reasoning_content',
      model: 'bench',
      usage: { prompt_tokens: 20, completion_tokens: 40 },
    },
  };
  return {
    info,
    id: info.uri,
    stream: () => {
      throw new Error('not used');
    },
    generate: async () => structuredClone(trace),
  };
}

/** How an engine row runs: verdicts at generation time, an instant teacher, and its two threads. */
interface EngineMode {
  verify?: boolean;
  instant?: boolean;
  /** The teacher's HTTP on worker threads (default 'auto', as the CLI). */
  httpThreads?: number | 'auto';
  /** The sample writes on the write thread (default 'auto', as the CLI). */
  writerThread?: boolean | 'auto';
}

async function engine(url: string | string[], n: number, mode: EngineMode = {}): Promise<Rate> {
  const { verify = false, instant = false, httpThreads = 'auto', writerThread = 'auto' } = mode;
  const dir = mkdtempSync(join(tmpdir(), 'distill-bench-'));
  const store = openStore(join(dir, 'bench.sqlite'));
  const teacher: Teacher = instant
    ? instantTeacher((await createTeacher(`openai-compatible:${url}/v1#bench`, { env: {} })).info)
    : typeof url === 'string'
      ? await createTeacher(`openai-compatible:${url}/v1#bench`, { env: {}, httpThreads })
      : (
          await createPool(
            url.map((u) => ({ uri: `openai-compatible:${u}/v1#bench`, weight: 1 })),
            { env: {}, defaultConcurrency: Math.ceil(CONCURRENCY / url.length), httpThreads },
          )
        ).pool;
  let runId = '';
  const rate = await measured(n, async () => {
    const result = await runGeneration({
      store,
      teacher,
      problems: problemsFor(n),
      problemCount: n,
      runName: 'bench',
      concurrency: CONCURRENCY,
      verify,
      writerThread,
    });
    runId = result.runId;
    if (result.completed !== n) throw new Error(`engine completed ${result.completed} of ${n}`);
    // Closing is part of the run: it checkpoints the WAL into the main file (the CLI closes the store too).
    store.close();
  });
  const check = openStore(join(dir, 'bench.sqlite'), { readonly: true });
  const stored = check.countSamples(runId);
  check.close();
  if (stored !== n) throw new Error(`engine stored ${stored} of ${n}`);
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

/** Everything on the main thread: the engine before ADR 0014. */
const ONE_THREAD: EngineMode = { httpThreads: 0, writerThread: false };

const { url, child } = await startServer();
const more = [await startServer(), await startServer()];
const poolUrls = [url, ...more.map((s) => s.url)];
try {
  // Warm-up: JIT, lazily loaded modules, connections (the engine warms up over a few thousand requests).
  await bareLoop(url, 2000);
  await engine(url, 2000);
  await engine(url, 2000, { verify: true });
  await teacherLoop(url, 2000);
  await engine(url, 2000, { instant: true });
  await engine(url, 2000, { httpThreads: 0 });
  await engine(url, 2000, ONE_THREAD);
  await engine(url, 2000, { writerThread: false });
  const bare: Rate[] = [];
  const engLocal: Rate[] = [];
  const engOne: Rate[] = [];
  const engWrites: Rate[] = [];
  const alone: Rate[] = [];
  const instant: Rate[] = [];
  const eng: Rate[] = [];
  const engVerify: Rate[] = [];
  const pool: Rate[] = [];
  await engine(poolUrls, 2000);
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await bareLoop(url, N));
    eng.push(await engine(url, N));
    engLocal.push(await engine(url, N, { httpThreads: 0 }));
    engOne.push(await engine(url, N, ONE_THREAD));
    engWrites.push(await engine(url, N, { writerThread: false }));
    engVerify.push(await engine(url, N, { verify: true }));
    pool.push(await engine(poolUrls, N));
    alone.push(await teacherLoop(url, N));
    instant.push(await engine(url, N, { instant: true }));
  }
  const best = (xs: Rate[], k: keyof Rate) => Math.max(...xs.map((x) => x[k]));
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const line = (label: string, xs: Rate[], extra = '') =>
    console.log(
      `${label.padEnd(26)}: ${best(xs, 'wall').toFixed(0)} req/s${extra} best, ${median(xs.map((x) => x.wall)).toFixed(0)} median (rounds: ${xs.map((x) => x.wall.toFixed(0)).join(', ')}); ${best(xs, 'cpu').toFixed(0)} best, ${median(xs.map((x) => x.cpu)).toFixed(0)} median req per client CPU-second`,
    );
  line('bare undici loop', bare);
  line('distill engine', eng);
  line('engine, HTTP in-process', engLocal);
  line('engine, one thread', engOne);
  line('engine, writes in-process', engWrites);
  line('distill engine + verdicts', engVerify);
  line('pool of 3 servers', pool, ' aggregate');
  line('teacher alone (no engine)', alone);
  line('engine, instant teacher', instant);
  const us = (xs: Rate[]) => (1e6 / median(xs.map((x) => x.cpu))).toFixed(0);
  console.log(
    `client CPU per request (medians): bare ${us(bare)} µs, engine ${us(eng)} µs (worker thread included); engine with the HTTP in-process ${us(engLocal)} µs = teacher alone ${us(alone)} µs + engine with an instant teacher ${us(instant)} µs (roughly; they share caches and GC)`,
  );
  /** The median over rounds of a row's rate over the bare loop's in the same round. */
  const ratio = (xs: Rate[], k: keyof Rate) => median(xs.map((x, i) => x[k] / bare[i]![k])).toFixed(2);
  console.log(
    `ratio engine/bare (median of ${ROUNDS} paired rounds): ${ratio(eng, 'wall')} wall-clock, ${ratio(eng, 'cpu')} per client CPU-second (target ≥ 0.8); HTTP in-process: ${ratio(engLocal, 'wall')} / ${ratio(engLocal, 'cpu')}; one thread: ${ratio(engOne, 'wall')} / ${ratio(engOne, 'cpu')}; writes in-process: ${ratio(engWrites, 'wall')} / ${ratio(engWrites, 'cpu')}; with verdicts at generation time: ${ratio(engVerify, 'wall')} / ${ratio(engVerify, 'cpu')}; pool of 3/bare: ${ratio(pool, 'wall')} / ${ratio(pool, 'cpu')}; the teacher alone/bare: ${ratio(alone, 'wall')} / ${ratio(alone, 'cpu')} — ${N} requests, concurrency ${CONCURRENCY}, all measured in this run (load average ${loadavg()[0]!.toFixed(1)})`,
  );
  // Where /proc is there (see the header).
  if (!Number.isNaN(bare[0]!.busiest)) {
    const busy = (xs: Rate[]) => (1e6 / median(xs.map((x) => x.busiest))).toFixed(0);
    console.log(
      `busiest thread's CPU per request (medians): bare ${busy(bare)} µs, engine ${busy(eng)} µs; ratio engine/bare per busiest-thread CPU-second (the rates with a core per thread, not measured wall-clock): ${ratio(eng, 'busiest')}; HTTP in-process: ${ratio(engLocal, 'busiest')}; one thread: ${ratio(engOne, 'busiest')}; writes in-process: ${ratio(engWrites, 'busiest')}`,
    );
  }
} finally {
  child.kill();
  for (const s of more) s.child.kill();
}
