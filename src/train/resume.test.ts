import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAssistantWithThinking } from '../core/chat-format.ts';

const CLI = fileURLToPath(new URL('../../bin/distill.mjs', import.meta.url));

interface Metric {
  type: string;
  step?: number;
  [k: string]: unknown;
}

function metrics(runDir: string): Metric[] {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Metric);
}

function train(args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, 'train', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
}

async function until(pred: () => boolean, timeoutMs = 240_000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for training progress');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('distill train: interrupted runs resume from the checkpoint', () => {
  let dir: string;
  let data: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-resume-'));
    data = join(dir, 'data.jsonl');
    const rows = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `What is ${i} + 7?` },
          {
            role: 'assistant',
            content: formatAssistantWithThinking(`${i} + 7 = ${i + 7}.`, `\\boxed{${i + 7}}`),
          },
        ],
      }),
    );
    await writeFile(data, `${rows.join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const common = (out: string): string[] =>
    ['--data', data, '--preset', 'nano', '--out', out, '--max-steps', '40', '--seq-len', '64'].concat([
      '--batch-tokens',
      '256',
      '--threads',
      '1',
      '--checkpoint-every',
      '3',
      '--json',
    ]);

  // SIGKILL (hard kill, resume from the last periodic checkpoint) is the slower second case: DISTILL_SLOW=1.
  const signals =
    process.env.DISTILL_SLOW === '1' ? (['SIGTERM', 'SIGKILL'] as const) : (['SIGTERM'] as const);
  for (const signal of signals) {
    it(`${signal} mid-run, then --resume continues from the last checkpoint to the end`, {
      timeout: 600_000,
    }, async () => {
      const out = join(dir, `${signal}.gguf`);
      const runDir = join(dir, `${signal}.run`);
      const first = train(common(out));
      const firstExit = exited(first);
      await until(() => metrics(runDir).some((m) => m.type === 'checkpoint'));
      // SIGTERM goes to the CLI, which asks the worker to checkpoint; SIGKILL takes the whole process group down.
      if (signal === 'SIGTERM') first.kill('SIGTERM');
      else process.kill(-(first.pid ?? 0), 'SIGKILL');
      const code = await firstExit;
      expect(code).not.toBe(0);
      expect(existsSync(out)).toBe(false);
      const before = metrics(runDir);
      const lastStep = Math.max(...before.filter((m) => m.type === 'step').map((m) => m.step ?? 0));
      const saved = before.filter((m) => m.type === 'checkpoint').map((m) => m.step ?? 0);
      expect(lastStep).toBeLessThan(40);
      if (signal === 'SIGTERM') {
        // the worker saved a checkpoint at the step where it stopped
        const stoppedAt = before.find((m) => m.type === 'interrupted')?.step;
        expect(stoppedAt).toBeGreaterThanOrEqual(lastStep);
        expect(Math.max(...saved)).toBe(stoppedAt);
      }
      const resumed = train([...common(out), '--resume']);
      expect(await exited(resumed)).toBe(0);
      const after = metrics(runDir).slice(before.length);
      const from = after.find((m) => m.type === 'resumed')?.step;
      expect(from).toBe(Math.max(...saved));
      const steps = after.filter((m) => m.type === 'step').map((m) => m.step ?? 0);
      expect(Math.min(...steps)).toBe((from ?? 0) + 1);
      expect(after.at(-1)?.type).toBe('done');
      expect(existsSync(out)).toBe(true);
    });
  }
});
