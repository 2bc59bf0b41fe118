import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../runtime/local-model.ts';

const TEACHER = join(process.cwd(), 'models', 'distill-teacher-q8_0.gguf');

describe('distill chat --raw (child process, shipped teacher GGUF)', () => {
  it('completes the prompt as plain text, exactly as LocalModel.complete does', async () => {
    const cli = join(process.cwd(), 'bin', 'distill.mjs');
    const args = ['--raw', '--prompt', 'User: 2+3\n', '--json', '--max-tokens', '6', '--temperature', '0'];
    const { stdout } = await promisify(execFile)('node', [cli, 'chat', TEACHER, ...args]);
    const out = JSON.parse(stdout) as {
      raw: boolean;
      text: string;
      usage: { input: number; reasoning: number; output: number };
    };
    expect(out.raw).toBe(true);
    expect(out.usage.reasoning).toBe(0);
    expect(out.usage.output).toBeGreaterThan(0);
    await using model = await loadModel(TEACHER, { slots: 1, contextPerSequence: 128 });
    let text = '';
    for await (const p of model.complete({ prompt: 'User: 2+3\n', maxTokens: 6, temperature: 0 }))
      if (p.type === 'text-delta') text += p.delta;
    expect(out.text).toBe(text);
    // No template: the prompt is the text's own tokens (plus BOS), not a rendered chat turn.
    expect(out.usage.input).toBe(model.tokenizePrompt('User: 2+3\n').length);
  }, 60_000);
});
