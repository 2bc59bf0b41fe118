import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../server/app.ts';
import { listen, type RunningServer } from '../server/listen.ts';
import { ModelRegistry } from '../server/model-registry.ts';
import { ScriptedChatModel } from '../server/scripted-chat-model.ts';
import { openStore } from '../store/open-store.ts';
import { loadProblems } from '../tasks/load.ts';
import { createTeacher } from '../teachers/create-teacher.ts';
import { runGeneration } from './run-generation.ts';

const servers: RunningServer[] = [];
const urls: Record<string, string> = {};

beforeAll(async () => {
  for (const format of ['reasoning_content', 'reasoning', 'inline'] as const) {
    const registry = new ModelRegistry();
    registry.add('distill-teacher', new ScriptedChatModel({ id: 'distill-teacher', thinkingTokens: 5 }));
    const server = await listen(createServer({ registry, webRoot: false, reasoningFormat: format }).app, {
      port: 0,
    });
    servers.push(server);
    urls[format] = server.url;
  }
});
afterAll(async () => {
  for (const s of servers) await s.close();
});

const ask = { messages: [{ role: 'user' as const, content: 'What is 2 + 3?' }], maxTokens: 256 };

describe('generate against distill serve (a real local teacher)', () => {
  it.each(['reasoning_content', 'reasoning', 'inline'] as const)(
    'reads the server reasoning format %s into one Trace, streaming and not, on both transports',
    async (format) => {
      for (const transport of ['undici', 'openai'] as const)
        for (const stream of [true, false]) {
          const teacher = await createTeacher(`openai-compatible:${urls[format]}/v1#distill-teacher`, {
            env: {},
            transport,
            stream,
          });
          const trace = await teacher.generate(ask);
          expect(trace.reasoning, `${transport} stream=${stream}`).toMatch(/step 1.*step 5/s);
          expect(trace.answer).toBe('Answer: What is 2 + 3?');
          expect(trace.finishReason).toBe('stop');
          expect(trace.usage.reasoning).toBeGreaterThan(0);
        }
    },
  );

  it('runs a resumable generation with the built-in terms recognised from the model name', async () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'distill-serve-gen-')), 'store.sqlite'));
    try {
      const teacher = await createTeacher(`openai-compatible:${urls.reasoning_content}/v1#distill-teacher`, {
        env: {},
      });
      expect(teacher.info.termsId).toBe('distill-builtin');
      const result = await runGeneration({
        store,
        teacher,
        problems: loadProblems('add:4:train'),
        problemCount: 4,
        runName: 'served',
        samples: 2,
        maxTokens: 256,
      });
      expect(result).toMatchObject({ status: 'completed', done: 8, failed: 0 });
      const sample = [...store.iterateSamples(result.runId)][0]!;
      expect(sample.provenance.usePolicy.train).toBe('allowed');
      expect(sample.trace.answer).toMatch(/^Answer: /);
      expect(sample.verdict).toBeDefined();
    } finally {
      store.close();
    }
  });
});
