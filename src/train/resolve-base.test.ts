import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { listOllamaModels, OLLAMA_MODEL_LAYER, resolveBase, resolveOllamaModel } from './resolve-base.ts';
import { prepareTraining } from './train-model.ts';

// A real tiny GGUF, stored the way Ollama stores pulled models (manifest → layers → blobs/sha256-<hex>).
const gguf = fileURLToPath(new URL('../../models/distill-teacher-q8_0.gguf', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'distill-ollama-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function blob(store: string, bytes: Buffer): string {
  const hex = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(join(store, 'blobs'), { recursive: true });
  writeFileSync(join(store, 'blobs', `sha256-${hex}`), bytes);
  return `sha256:${hex}`;
}

function fakeStore(name: string): string {
  const store = join(dir, name);
  const weights = blob(store, readFileSync(gguf));
  const template = blob(store, Buffer.from('{{ .Prompt }}'));
  const config = blob(store, Buffer.from('{"model_format":"gguf"}'));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: config, size: 23 },
    layers: [
      { mediaType: OLLAMA_MODEL_LAYER, digest: weights, size: readFileSync(gguf).length },
      { mediaType: 'application/vnd.ollama.image.template', digest: template, size: 13 },
    ],
  });
  for (const [path, tag] of [
    ['registry.ollama.ai/library/distill-teacher', 'q8'],
    ['registry.ollama.ai/library/distill-teacher', 'latest'],
    ['registry.ollama.ai/someone/adder', '1b'],
  ] as const) {
    mkdirSync(join(store, 'manifests', path), { recursive: true });
    writeFileSync(join(store, 'manifests', path, tag), manifest);
  }
  return store;
}

describe('--base ollama:NAME[:TAG] (the local Ollama store)', () => {
  const store = fakeStore('models');
  const env = { OLLAMA_MODELS: store, HOME: join(dir, 'home') };

  it('resolves name:tag, the default tag latest, and namespaced names to the GGUF blob', () => {
    const path = resolveOllamaModel('distill-teacher:q8', env);
    expect(path).toMatch(/\/blobs\/sha256-[0-9a-f]{64}$/);
    expect(readFileSync(path).subarray(0, 4).toString()).toBe('GGUF');
    expect(resolveOllamaModel('distill-teacher', env)).toBe(path);
    expect(resolveBase('ollama:someone/adder:1b', env)).toBe(path);
    expect(listOllamaModels(store)).toEqual([
      'distill-teacher:latest',
      'distill-teacher:q8',
      'someone/adder:1b',
    ]);
  });

  it('without OLLAMA_MODELS, reads ~/.ollama/models', () => {
    const home = join(dir, 'home2');
    mkdirSync(join(home, '.ollama'), { recursive: true });
    const s = fakeStore(join('home2', '.ollama', 'models'));
    expect(resolveOllamaModel('distill-teacher:q8', { HOME: home })).toMatch(new RegExp(`^${s}/blobs/`));
  });

  it('an unknown name is a NotFoundError (exit 2) that lists the local models', () => {
    let error: unknown;
    try {
      resolveOllamaModel('qwen3:0.6b', env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotFoundError);
    const e = error as NotFoundError;
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain("no Ollama model 'qwen3:0.6b'");
    expect(e.hint).toContain('distill-teacher:latest, distill-teacher:q8, someone/adder:1b');
    expect(() => resolveOllamaModel('x', { OLLAMA_MODELS: join(dir, 'empty') })).toThrow(
      /has no models|no Ollama/,
    );
    expect(() => resolveOllamaModel('bad name!', env)).toThrow(InvalidInputError);
  });

  it('a manifest without a GGUF layer is refused with one clear error', () => {
    const s = fakeStore('nolayer');
    writeFileSync(
      join(s, 'manifests/registry.ollama.ai/library/distill-teacher/q8'),
      JSON.stringify({
        layers: [{ mediaType: 'application/vnd.ollama.image.template', digest: 'sha256:00' }],
      }),
    );
    expect(() => resolveOllamaModel('distill-teacher:q8', { OLLAMA_MODELS: s })).toThrow(
      /no GGUF weights layer/,
    );
  });

  it('train prepares from an Ollama model and records ollama:NAME:TAG as the base', async () => {
    const data = join(dir, 'rows.jsonl');
    writeFileSync(
      data,
      `${JSON.stringify({
        messages: [
          { role: 'user', content: 'What is 1 + 2?' },
          { role: 'assistant', content: '<think>\n1 + 2 = 3.\n</think>\n\n3' },
        ],
      })}\n`,
    );
    const saved = process.env.OLLAMA_MODELS;
    process.env.OLLAMA_MODELS = store;
    try {
      const p = await prepareTraining({ data, base: 'ollama:distill-teacher:q8', out: join(dir, 'o.gguf') });
      const config = JSON.parse(readFileSync(p.configPath, 'utf8'));
      expect(config.base).toBe(resolveOllamaModel('distill-teacher:q8', { OLLAMA_MODELS: store }));
      expect(config.metadata.base).toBe('ollama:distill-teacher:q8');
    } finally {
      if (saved === undefined) delete process.env.OLLAMA_MODELS;
      else process.env.OLLAMA_MODELS = saved;
    }
  });
});
