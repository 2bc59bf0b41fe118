import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from './local-model.ts';
import { describeModel } from './model-info.ts';
import { exportOllama } from './ollama-export.ts';
import { quantizeModel } from './quantize.ts';
import { tinyModel } from './testing/tiny-model.ts';

let source: string;
let dir: string;
beforeAll(async () => {
  source = await tinyModel('nano');
  dir = mkdtempSync(join(tmpdir(), 'distill-quant-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quantize, model info and Ollama export', () => {
  it('quantizes to q8_0 and q4_0 with llama.cpp; the result keeps its template and still generates', async () => {
    for (const type of ['q8_0', 'q4_0'] as const) {
      const out = join(dir, `nano-${type}.gguf`);
      const r = await quantizeModel(source, out, { type, threads: 1 });
      expect(r.outputBytes).toBeLessThan(r.inputBytes);
      expect(r.outputBytes).toBe(statSync(out).size);
      const info = describeModel(out);
      expect(info.quantization.toUpperCase()).toContain(type.toUpperCase());
      expect(info.template).toBe('distill-student-v1');
      expect(info.tokenizer.thinkTokens).toBe(true);
      expect(info.provenance['distill.preset']).toBe('nano');
    }
    await using model = await loadModel(join(dir, 'nano-q8_0.gguf'), { slots: 1, contextPerSequence: 256 });
    const trace = await model.generate({
      messages: [{ role: 'user', content: 'hi' }],
      maxTokens: 20,
      temperature: 0,
    });
    expect(trace.usage.reasoning + trace.usage.output).toBeGreaterThan(0);
    // no temp files left behind; a bad input leaves no output
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    await expect(
      quantizeModel(join(dir, 'missing.gguf'), join(dir, 'x.gguf'), { type: 'q8_0' }),
    ).rejects.toThrow(/not found/);
    expect(existsSync(join(dir, 'x.gguf'))).toBe(false);
  });

  it('writes an Ollama Modelfile with the thinking template, R1 defaults, stops and provenance next to the GGUF', async () => {
    const out = join(dir, 'ollama');
    const r = await exportOllama(source, { outDir: out });
    const modelfile = readFileSync(r.modelfile, 'utf8');
    const copy = join(out, 'nano-0.gguf');
    expect(modelfile).toMatch(/^FROM \.\/nano-0\.gguf$/m);
    expect(createHash('sha256').update(readFileSync(copy)).digest('hex')).toBe(r.sha256);
    expect(modelfile).toMatch(/^TEMPLATE """[\s\S]*Assistant: <think>\n"""$/m);
    expect(modelfile).toMatch(/^PARAMETER temperature 0\.6$/m);
    expect(modelfile).toMatch(/^PARAMETER top_p 0\.95$/m);
    expect(modelfile).toMatch(/^PARAMETER stop "<\/s>"$/m);
    expect(modelfile).toMatch(/^LICENSE """[\s\S]*distill\.preset: nano[\s\S]*"""$/m);
    expect(modelfile).toContain(`GGUF sha256: ${r.sha256}`);
  });
});
