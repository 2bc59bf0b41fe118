import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGeneration } from '../generate/run-generation.ts';
import { startFakeTeacher } from '../generate/testing/fake-teacher-server.ts';
import { curationDecisions } from '../store/curate-queries.ts';
import { openStore } from '../store/open-store.ts';
import { generateBuiltin } from '../tasks/generate.ts';
import { loadProblems } from '../tasks/load.ts';
import { createTeacher } from '../teachers/create-teacher.ts';
import { sandboxTestsEnabled } from '../verify/code/sandbox-gate.ts';
import { curateRun } from './curate-run.ts';

const SPEC = 'code:4:train:seed=3';
const dir = mkdtempSync(join(tmpdir(), 'distill-code-curate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(sandboxTestsEnabled('generate → curate on code problems'))(
  'code runs: generate → curate',
  () => {
    it('verifies each reply by running it, and --keep correct keeps exactly the passing programs', async () => {
      const problems = [...generateBuiltin({ family: 'code', count: 4, split: 'train', seed: 3 })];
      // Replies by seed: the reference program, a wrong program, or prose without code.
      const kindOf = (seed: number | undefined) => (['right', 'wrong', 'prose'] as const)[(seed ?? 0) % 3];
      const server = await startFakeTeacher({
        answer: (prompt, seed) => {
          const p = problems.find((q) => prompt.includes(q.prompt));
          const name = p?.code?.entryPoint ?? 'f';
          const kind = kindOf(seed);
          if (kind === 'right') return `Here it is.\n${p?.reference?.answer}\n# seed ${seed}`;
          if (kind === 'wrong')
            return `\`\`\`python\ndef ${name}(x):\n    return None  # seed ${seed}\n\`\`\``;
          return `I would loop over the input (seed ${seed}).`;
        },
      });
      const store = openStore(join(dir, 'store.sqlite'));
      try {
        const teacher = await createTeacher(`openai-compatible:${server.url}/v1#fake-r1`, {
          env: { DISTILL_KEYS_FILE: '/nonexistent' },
        });
        const result = await runGeneration({
          store,
          teacher,
          problems: loadProblems(SPEC),
          problemCount: 4,
          runName: 'code-run',
          samples: 6,
          concurrency: 4,
        });
        const samples = [...store.iterateSamples(result.runId)];
        expect(samples).toHaveLength(24);
        const expectedStatus = { right: 'code:passed', wrong: 'code:wrong-answer', prose: 'code:no-code' };
        for (const s of samples)
          expect(s.verdict?.method).toBe(expectedStatus[kindOf(s.provenance.generation.seed) ?? 'prose']);
        const passing = new Set(samples.filter((s) => s.verdict?.correct).map((s) => s.id));
        expect(passing.size).toBeGreaterThan(0);
        expect(passing.size).toBeLessThan(24);

        const summary = await curateRun(store, 'code-run', { filters: [], traceDedup: { threshold: 1 } });
        const kept = new Set(
          curationDecisions(store.db, result.runId)
            .filter((d) => d.kept)
            .map((d) => d.sampleId),
        );
        expect(kept).toEqual(passing);
        expect(summary.kept).toBe(passing.size);
        expect(summary.dropped).toEqual({ incorrect: 24 - passing.size });
      } finally {
        store.close();
        await server.close();
      }
    }, 60_000);
  },
);
