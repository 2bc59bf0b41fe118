import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedChatModel } from '../server/scripted-chat-model.ts';
import { openStore } from '../store/open-store.ts';
import { loadProblems } from '../tasks/load.ts';
import { ChatModelTeacher } from '../teachers/gguf/chat-model-teacher.ts';
import { runGeneration } from './run-generation.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A runtime-like teacher (thinks 12 tokens, honours budgets and maxTokens, reports how thinking ended). */
function setup() {
  const model = new ScriptedChatModel({ thinkingTokens: 12 });
  const teacher = new ChatModelTeacher(
    {
      uri: 'gguf:scripted.gguf',
      provider: 'gguf',
      modelId: 'scripted',
      access: 'self_hosted',
      termsId: 'distill-builtin',
      price: { input: 0, output: 0 },
    },
    async () => model,
  );
  const store = openStore(join(mkdtempSync(join(tmpdir(), 'distill-budget-')), 'store.sqlite'));
  cleanup.push(() => store.close());
  return { model, teacher, store };
}

describe('generate: max tokens versus thinking budgets (issue 22)', () => {
  it('sends no budget by default: a short --max-tokens stores cut traces, never forced ones', async () => {
    const { model, teacher, store } = setup();
    await runGeneration({
      store,
      teacher,
      problems: loadProblems('add:3:train'),
      runName: 'cut',
      maxTokens: 8,
    });
    expect(model.requests.every((r) => r.thinking === undefined)).toBe(true);
    const run = store.requireRun('cut');
    expect(run.config.thinkingBudget).toBeNull();
    for (const s of store.iterateSamples(run.id)) {
      expect(s.trace).toMatchObject({
        finishReason: 'length',
        thinkingEnd: 'cut',
        truncatedInThinking: true,
      });
      expect(s.provenance.generation).toMatchObject({ maxTokens: 8, thinkingEnd: 'cut' });
    }
  });

  it('an explicit thinking budget is sent, recorded in the run settings and provenance, and the end is `budget`', async () => {
    const { model, teacher, store } = setup();
    await runGeneration({
      store,
      teacher,
      problems: loadProblems('add:3:train'),
      runName: 'budget',
      maxTokens: 64,
      thinkingBudget: 4,
    });
    expect(model.requests.every((r) => r.thinking?.budgetTokens === 4)).toBe(true);
    const run = store.requireRun('budget');
    expect(run.config.thinkingBudget).toBe(4);
    for (const s of store.iterateSamples(run.id)) {
      expect(s.trace).toMatchObject({ finishReason: 'stop', thinkingEnd: 'budget' });
      expect(s.provenance.generation).toMatchObject({ thinkingBudget: 4, thinkingEnd: 'budget' });
    }
    // Resuming the run under another budget would mix settings: refused.
    await expect(
      runGeneration({
        store,
        teacher,
        problems: loadProblems('add:3:train'),
        runName: 'budget',
        maxTokens: 64,
      }),
    ).rejects.toThrow(/thinkingBudget=4/);
  });
});
