// Code-sandbox throughput: trivial programs through the bubblewrap sandbox versus a bare `python3 -c` subprocess,
// one at a time (latency per check) and through the pool (one per core, checks/s). Also the full verdict path
// (harness + 3 asserts). Run: npx tsx bench/sandbox.ts [checks]
import { spawn } from 'node:child_process';
import { CodeSpecSchema } from '../src/core/code-spec.ts';
import { defaultSandboxConcurrency, mapPool } from '../src/verify/code/pool.ts';
import { requireSandbox, runSandboxed, SANDBOX_PYTHON } from '../src/verify/code/sandbox.ts';
import { verifyProgram } from '../src/verify/code/verify-code.ts';

requireSandbox();
const n = Number(process.argv[2] ?? 40);
const cores = defaultSandboxConcurrency();

function bare(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(SANDBOX_PYTHON, ['-I', '-c', 'print(1)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', () =>
      out.trim() === '1' ? resolve() : reject(new Error(`bare python printed ${out}`)),
    );
  });
}

async function sandboxed(): Promise<void> {
  const r = await runSandboxed({ files: { 'main.py': 'print(1)' }, main: 'main.py' });
  if (r.stdout.trim() !== '1') throw new Error(`sandbox printed ${r.stdout} ${r.stderr}`);
}

const spec = CodeSpecSchema.parse({
  entryPoint: 'add',
  asserts: ['assert add(1, 2) == 3', 'assert add(0, 0) == 0', 'assert add(-1, 1) == 0'],
});
async function verdict(): Promise<void> {
  const v = await verifyProgram('def add(a, b):\n    return a + b\n', spec);
  if (v.status !== 'passed') throw new Error(v.detail);
}

async function measure(label: string, fn: () => Promise<void>) {
  await fn(); // warm the page cache
  let start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const perCheckMs = (performance.now() - start) / n;
  start = performance.now();
  await mapPool(Array.from({ length: n }), fn, { concurrency: cores });
  const perSecond = n / ((performance.now() - start) / 1000);
  console.log(
    `${label}: ${perCheckMs.toFixed(1)} ms per check one at a time; ${perSecond.toFixed(1)} checks/s with ${cores} at once`,
  );
  return { perCheckMs, perSecond };
}

const b = await measure('bare python3 -c', bare);
const s = await measure('sandbox (bwrap + rlimits)', sandboxed);
const v = await measure('verdict (sandbox + harness + 3 asserts)', verdict);
console.log(
  `overhead: sandbox ${(s.perCheckMs / b.perCheckMs).toFixed(2)}x bare latency (+${(s.perCheckMs - b.perCheckMs).toFixed(1)} ms), ` +
    `${(b.perSecond / s.perSecond).toFixed(2)}x bare throughput cost; full verdict ${(v.perCheckMs / b.perCheckMs).toFixed(2)}x bare`,
);
