/**
 * Reliability of `distill serve` under load (issue 5), against a real tiny GGUF:
 *
 *   npx tsx bench/serve-load.ts [model.gguf] [--clients 32] [--seconds 60] [--fuzz 1000] [--max-tokens 64]
 *
 * 1. Baseline: one client alone, sequential streaming requests → p50 time to first token (TTFT).
 * 2. Load: `clients` concurrent streaming clients for `seconds` → requests, server errors, p50/p99 TTFT,
 *    and the p50 ratio against the baseline (queueing behind the per-model concurrency limit shows up here).
 * 3. Fuzz: `fuzz` malformed bodies → all must be 4xx OpenAI-shaped JSON; then /health and a real request.
 * 4. Auth: requests without the key are refused with 401.
 * Exits 1 when any check fails. Without a model it uses the trainer's random-init `nano` preset.
 */
import { parseArgs } from 'node:util';
import { tinyModel } from '../src/runtime/testing/tiny-model.ts';
import { percentile, runFuzz, runLoad, streamOnce } from '../test/serve/load.ts';
import { spawnServe } from '../test/serve/spawn-serve.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    clients: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '60' },
    fuzz: { type: 'string', default: '1000' },
    'max-tokens': { type: 'string', default: '64' },
    concurrency: { type: 'string', default: '8' },
  },
});
const KEY = 'bench-key';
const auth = { authorization: `Bearer ${KEY}` };
const model = positionals[0] ?? (await tinyModel('nano', 0));
const server = await spawnServe([model, '--name', 'm', '--no-web', '--concurrency', values.concurrency], {
  DISTILL_API_KEY: KEY,
});
const body = {
  model: 'm',
  messages: [{ role: 'user', content: 'What is 12 times 7?' }],
  max_tokens: Number(values['max-tokens']),
  stream_options: { include_usage: true },
};
let failed = false;
try {
  const baseline: number[] = [];
  for (let i = 0; i < 20; i++) {
    const o = await streamOnce(server.url, { ...body, seed: i }, auth);
    if (o.ttftMs !== null) baseline.push(o.ttftMs);
  }
  const base50 = percentile(baseline, 50);
  console.log(`baseline (1 client, 20 requests): TTFT p50 ${base50.toFixed(1)} ms`);

  const clients = Number(values.clients);
  const load = await runLoad({
    url: server.url,
    clients,
    seconds: Number(values.seconds),
    body,
    headers: auth,
  });
  console.log(
    `load (${clients} streaming clients, ${values.seconds} s, concurrency ${values.concurrency}): ${load.requests} requests, ` +
      `${load.errors} errors, TTFT p50 ${load.ttftP50.toFixed(1)} ms, p99 ${load.ttftP99.toFixed(1)} ms, ` +
      `${load.chunksPerSecond.toFixed(0)} chunks/s`,
  );
  console.log(`TTFT p50 under load / alone: ${(load.ttftP50 / base50).toFixed(2)}×`);
  for (const e of load.firstErrors) console.log(`  error: ${e}`);
  if (load.errors > 0) failed = true;

  const fuzz = await runFuzz({ url: server.url, count: Number(values.fuzz), model: 'm', headers: auth });
  const health = await fetch(`${server.url}/health`);
  const after = await streamOnce(server.url, body, auth);
  console.log(
    `fuzz: ${fuzz.sent} malformed bodies → ${fuzz.sent - fuzz.bad.length} answered 4xx JSON ` +
      `(${Object.entries(fuzz.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(', ')}); ` +
      `health after: ${health.status}; real request after: ${after.ok ? 'ok' : after.error}`,
  );
  for (const b of fuzz.bad.slice(0, 5)) console.log(`  bad: ${b}`);
  if (fuzz.bad.length > 0 || health.status !== 200 || !after.ok) failed = true;

  const anon = await Promise.all([
    fetch(`${server.url}/v1/models`),
    fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) }),
    fetch(`${server.url}/v1/models`, { headers: { authorization: 'Bearer wrong' } }),
  ]);
  console.log(`auth: requests without the right key → ${anon.map((r) => r.status).join(', ')}`);
  if (anon.some((r) => r.status !== 401)) failed = true;
} finally {
  const code = await server.stop();
  console.log(`server stopped on SIGTERM with exit code ${code}`);
  if (code !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
