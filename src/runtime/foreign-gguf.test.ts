import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../server/app.ts';
import { ModelRegistry } from '../server/model-registry.ts';
import { loadModel } from './local-model.ts';
import { describeModel } from './model-info.ts';
import { ggufVariant } from './testing/gguf-variants.ts';
import { tinyModel } from './testing/tiny-model.ts';

/** A format none of Distill's names covers (Gemma-style turns), as a GGUF from elsewhere might carry. */
const UNUSUAL =
  "{{ bos_token }}{% for m in messages %}{% if m.role == 'assistant' %}{% set r = 'model' %}{% else %}{% set r = m.role %}{% endif %}" +
  "{{ '<start_of_turn>' + r + '\\n' + m.content | trim + '<end_of_turn>\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}";

let noTemplate: string;
let unusual: string;
beforeAll(async () => {
  const nano = await tinyModel('nano');
  const dir = join(tmpdir(), 'distill-test-models', 'variants');
  mkdirSync(dir, { recursive: true });
  const tag = nano.replaceAll(/[^A-Za-z0-9]/g, '').slice(-24);
  noTemplate = ggufVariant(nano, join(dir, `${tag}-no-template.gguf`), null);
  unusual = ggufVariant(nano, join(dir, `${tag}-unusual.gguf`), UNUSUAL);
}, 120_000);

describe('GGUFs from elsewhere chat with no flags', () => {
  it("no template: llama.cpp's built-in is chosen, named, and used", async () => {
    expect(describeModel(noTemplate).templateDescription).toMatch(/built-in 'chatml'.*no template/);
    await using model = await loadModel(noTemplate, { slots: 2, contextPerSequence: 256 });
    expect(model.template.id).toBe('chatml');
    expect(model.renderPrompt({ messages: [{ role: 'user', content: 'hi' }] })).toBe(
      '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n',
    );
    const trace = await model.generate({
      messages: [{ role: 'user', content: 'hi' }],
      maxTokens: 8,
      seed: 1,
    });
    expect(['stop', 'length']).toContain(trace.finishReason);
  }, 30_000);

  it('an unusual Jinja template: rendered from the GGUF, served over HTTP', async () => {
    await using model = await loadModel(unusual, { slots: 2, contextPerSequence: 256 });
    expect(model.template.id).toBe('gguf');
    expect(model.template.thinkingStart).toBe('none');
    expect(model.renderPrompt({ messages: [{ role: 'user', content: ' hi ' }] })).toBe(
      `${model.info.bosToken}<start_of_turn>user\nhi<end_of_turn>\n<start_of_turn>model\n`,
    );
    const registry = new ModelRegistry();
    registry.add('m', model);
    const { app } = createServer({ registry, webRoot: false });
    const res = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 6 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: { finish_reason: string }[] };
    expect(['stop', 'length']).toContain(body.choices[0]?.finish_reason);
  }, 30_000);

  it('distill chat names the template it uses (child process)', async () => {
    const cli = join(process.cwd(), 'bin', 'distill.mjs');
    const args = ['--prompt', 'hi', '--json', '--max-tokens', '6', '--seed', '1'];
    const { stdout } = await promisify(execFile)('node', [cli, 'chat', unusual, ...args]);
    expect((JSON.parse(stdout) as { template: string }).template).toBe('gguf');
  }, 60_000);

  it('distill eval runs both with no template flags (child process)', async () => {
    const cli = join(process.cwd(), 'bin', 'distill.mjs');
    const store = join(mkdtempSync(join(tmpdir(), 'distill-foreign-eval-')), 'store.sqlite');
    for (const model of [noTemplate, unusual]) {
      const args = ['eval', '--model', model, '--tasks', 'add:3:eval', '--max-tokens', '16', '--json'];
      const { stdout } = await promisify(execFile)('node', [cli, ...args, '--store', store]);
      const report = JSON.parse(stdout) as { overall?: { problems?: number }; problems?: number };
      expect(report.overall?.problems ?? report.problems).toBe(3);
    }
  }, 120_000);
});
