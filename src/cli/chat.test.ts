import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModel } from '../runtime/testing/tiny-model.ts';

const run = promisify(execFile);
const cli = join(process.cwd(), 'bin', 'distill.mjs');
let model: string;
let dir: string;
beforeAll(async () => {
  model = await tinyModel('nano');
  dir = mkdtempSync(join(tmpdir(), 'distill-chat-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('distill chat one-shot (child process)', () => {
  it('--prompt --json prints one Trace-shaped object', async () => {
    const { stdout } = await run('node', [
      cli,
      'chat',
      model,
      '--prompt',
      'What is 2+3?',
      '--json',
      '--max-tokens',
      '40',
      '--budget',
      '10',
      '--seed',
      '1',
    ]);
    const out = JSON.parse(stdout) as {
      template: string;
      answer: string;
      usage: { reasoning: number; output: number };
      finishReason: string;
    };
    expect(out.template).toBe('distill-student-v1');
    expect(out.usage.reasoning).toBeLessThanOrEqual(10);
    expect(out.usage.reasoning + out.usage.output).toBeLessThanOrEqual(40);
    expect(out.answer).not.toBe('');
  });

  it('prints thinking, a summary line and stats for people; a bad file is one clear error line', async () => {
    const { stdout } = await run('node', [
      cli,
      'chat',
      model,
      '--prompt',
      'hi',
      '--max-tokens',
      '30',
      '--seed',
      '2',
    ]);
    expect(stdout).toMatch(/\[Thought for \d+\.\d s · \d+ tokens\]/);
    expect(stdout).toMatch(/\[\d+ thinking \+ \d+ answer tokens · [\d.]+ tok\/s/);
    const bad = join(dir, 'bad.gguf');
    writeFileSync(bad, 'GGUF but not really');
    const r = spawnSync('node', [cli, 'chat', bad, '--prompt', 'hi'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^error: .*not a valid GGUF/);
  });
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

// A person at a terminal: slow-ish (several seconds of node start-up and typing), so it runs with the slow suite.
// Like a person, it types the next line only once the prompt is back: keys typed ahead while a command is handled
// can be lost (each prompt is a fresh readline), which made this test flaky on loaded machines.
describe.runIf(hasTmux && process.env.DISTILL_SLOW === '1')('distill chat interactive (tmux)', () => {
  const session = `distill-chat-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
  const pane = () => tmux('capture-pane', '-t', session, '-p');
  async function waitFor(pattern: RegExp, ms = 150_000): Promise<string> {
    const until = Date.now() + ms;
    for (;;) {
      const text = pane();
      if (pattern.test(text)) return text;
      if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}; screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** After /clear: the screen holds only the confirmation and the fresh prompt. */
  async function waitCleared(): Promise<void> {
    const until = Date.now() + 60_000;
    for (;;) {
      const lines = pane()
        .split('\n')
        .filter((l) => l.trim() !== '');
      if (/^(conversation cleared\n)?>\s*$/.test(lines.join('\n'))) return;
      if (Date.now() > until) throw new Error(`screen not cleared:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  afterAll(() => spawnSync('tmux', ['kill-session', '-t', session]));

  it('streams, folds, toggles with t, stops with Esc, and obeys /budget, /think and /exit', async () => {
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '110',
      '-y',
      '40',
      // A short thinking budget and a long answer (seconds even for a fast tiny model), so the t and Esc keys
      // land while the answer streams: with 1,024 tokens the whole reply could end before they arrive.
      `node ${cli} chat ${model} --context 8192 --max-tokens 6000 --budget 40 --temperature 0; echo EXITED; sleep 30`,
    );
    await waitFor(/thinking on · \/help/);
    tmux('send-keys', '-t', session, 'hello', 'Enter');
    await waitFor(/▸ Thought for/);
    tmux('send-keys', '-t', session, 't');
    tmux('send-keys', '-t', session, 'Escape');
    let screen = await waitFor(/answer tokens/);
    // the toggle arrives while the (long, greedy) answer streams: thinking unfolds
    expect(screen).toMatch(/▾ Thought for [\d.]+ s · \d+ tokens/);
    expect(screen).toMatch(/stopped: abort/);

    tmux('send-keys', '-t', session, '/budget 5', 'Enter');
    await waitFor(/thinking budget: 5 tokens/);
    tmux('send-keys', '-t', session, '/clear', 'Enter');
    await waitCleared();
    tmux('send-keys', '-t', session, 'again', 'Enter');
    screen = await waitFor(/answer tokens/);
    const thinking = Number(/(\d+) thinking \+/.exec(screen)?.[1]);
    expect(thinking).toBeLessThanOrEqual(5);

    tmux('send-keys', '-t', session, '/clear', 'Enter');
    await waitCleared();
    tmux('send-keys', '-t', session, '/think off', 'Enter');
    await waitFor(/thinking off/);
    tmux('send-keys', '-t', session, 'no thoughts', 'Enter');
    screen = await waitFor(/answer tokens/);
    expect(screen).toMatch(/0 thinking \+/);
    expect(screen).not.toMatch(/Thought for/);
    tmux('send-keys', '-t', session, '/exit', 'Enter');
    await waitFor(/EXITED/);
  }, 600_000);
});
