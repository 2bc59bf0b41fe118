import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { startLoopbackTeacher } from '../testing/loopback-teacher.ts';
import { createPool } from './create-pool.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const env = { DISTILL_KEYS_FILE: '/nonexistent' };

describe('createPool', () => {
  it('records the model each endpoint serves (GET /v1/models)', async () => {
    const a = await startLoopbackTeacher();
    const b = await startLoopbackTeacher();
    cleanup.push(a.close, b.close);
    const { pool, checks } = await createPool(
      [
        { uri: `openai-compatible:${a.url}/v1#pool-r1`, weight: 2, concurrency: 3 },
        { uri: `openai-compatible:${b.url}/v1`, weight: 1 },
      ],
      { defaultConcurrency: 5, env },
    );
    expect(checks.map((c) => [c.model, c.servedModels, c.weight, c.concurrency])).toEqual([
      ['pool-r1', ['pool-r1'], 2, 3],
      ['pool-r1', ['pool-r1'], 1, 5],
    ]);
    expect(pool.capacity).toBe(8);
  });

  it('refuses a pool whose endpoints serve different models (exit 2)', async () => {
    const a = await startLoopbackTeacher({ model: 'pool-r1' });
    const b = await startLoopbackTeacher({ model: 'other' });
    cleanup.push(a.close, b.close);
    const make = createPool(
      [
        { uri: `openai-compatible:${a.url}/v1`, weight: 1 },
        { uri: `openai-compatible:${b.url}/v1`, weight: 1 },
      ],
      { defaultConcurrency: 1, env },
    );
    await expect(make).rejects.toBeInstanceOf(InvalidInputError);
    await expect(make).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/different models/),
    });
    const named = createPool([{ uri: `openai-compatible:${b.url}/v1#pool-r1`, weight: 1 }], {
      defaultConcurrency: 1,
      env,
    });
    await expect(named).rejects.toThrow(/does not serve 'pool-r1'/);
  });
});
