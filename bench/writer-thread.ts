/**
 * The sample write thread (ADR 0014) on and off, paired: the engine (`runGeneration`, default batches) against the
 * same zero-latency loopback server as bench/generate, with `writerThread: true` and `false` in alternating order
 * in each round, plus the bare undici loop for scale. Prints each row's rounds, the engine/bare ratios, and the
 * median over rounds of that round's on/off ratio (wall-clock and per CPU-second of this process, its threads
 * included: the write thread's own work counts). The thread can only gain wall-clock time on an idle core: read the
 * load average it prints.
 * Run: npx tsx bench/writer-thread.ts [N] [ROUNDS]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { Problem } from '../src/core/problem.ts';
import { runGeneration } from '../src/generate/run-generation.ts';
import { openStore } from '../src/store/open-store.ts';
import { createTeacher } from '../src/teachers/create-teacher.ts';

const N = Number(process.argv[2] ?? 4000);
const ROUNDS = Number(process.argv[3] ?? 12);
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

/** A rate two ways: requests per wall-clock second, and per CPU-second of this process. */
interface Rate {
  wall: number;
  cpu: number;
}

async function measured(n: number, run: () => Promise<void>): Promise<Rate> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { wall: n / seconds, cpu: n / ((used.user + used.system) / 1e6) };
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

async function engine(url: string, n: number, writerThread: boolean): Promise<Rate> {
  const dir = mkdtempSync(join(tmpdir(), 'distill-bench-'));
  const store = openStore(join(dir, 'bench.sqlite'));
  const teacher = await createTeacher(`openai-compatible:${url}/v1#bench`, { env: {} });
  const rate = await measured(n, async () => {
    const result = await runGeneration({
      store,
      teacher,
      problems: problemsFor(n),
      problemCount: n,
      runName: 'bench',
      concurrency: CONCURRENCY,
      verify: false,
      writerThread,
    });
    if (result.completed !== n) throw new Error(`engine completed ${result.completed} of ${n}`);
    store.close();
  });
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const { url, child } = await startServer();
try {
  // Warm-up: JIT, connections, and the write thread (started once per process).
  await bareLoop(url, 2000);
  await engine(url, 2000, true);
  await engine(url, 2000, false);
  const bare: Rate[] = [];
  const on: Rate[] = [];
  const off: Rate[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await bareLoop(url, N));
    if (round % 2) {
      on.push(await engine(url, N, true));
      off.push(await engine(url, N, false));
    } else {
      off.push(await engine(url, N, false));
      on.push(await engine(url, N, true));
    }
  }
  const row = (label: string, xs: Rate[]) =>
    console.log(
      `${label.padEnd(18)}: ${median(xs.map((x) => x.wall)).toFixed(0)} req/s median (rounds: ${xs.map((x) => x.wall.toFixed(0)).join(', ')}); ${median(xs.map((x) => x.cpu)).toFixed(0)} req per CPU-second median`,
    );
  row('bare undici loop', bare);
  row('engine, thread on', on);
  row('engine, thread off', off);
  const overBare = (xs: Rate[], k: keyof Rate) => median(xs.map((x, i) => x[k] / bare[i]![k])).toFixed(2);
  const paired = (k: keyof Rate) => median(on.map((x, i) => x[k] / off[i]![k])).toFixed(2);
  console.log(
    `engine/bare: thread on ${overBare(on, 'wall')} wall-clock, ${overBare(on, 'cpu')} per CPU-second; off ${overBare(off, 'wall')} / ${overBare(off, 'cpu')}; on/off (median of ${ROUNDS} paired rounds): ${paired('wall')} wall-clock, ${paired('cpu')} per CPU-second — ${N} requests, concurrency ${CONCURRENCY} (load average ${loadavg()[0]!.toFixed(1)})`,
  );
} finally {
  child.kill();
}
