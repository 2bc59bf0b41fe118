import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import { fileSha256 } from '../../core/hash.ts';
import { createTeacher } from '../create-teacher.ts';

const TEACHER = new URL('../../../models/distill-teacher-q8_0.gguf', import.meta.url).pathname;

describe('gguf: teacher (the runtime, imported on first use)', () => {
  it('records the weights hash and answers through the koffi runtime', async () => {
    const teacher = await createTeacher(`gguf:${TEACHER}`);
    expect(teacher.info.versionOrWeightsSha).toBe(await fileSha256(TEACHER));
    const trace = await teacher.generate({
      messages: [{ role: 'user', content: 'What is 2 + 3? Put the final answer in \\boxed{}.' }],
      maxTokens: 24,
      temperature: 0,
    });
    expect(trace.usage.reasoning + trace.usage.output).toBeGreaterThan(0);
    expect(`${trace.reasoning}${trace.answer}`.length).toBeGreaterThan(0);
  });

  it('refuses a missing file before loading anything', async () => {
    await expect(createTeacher('gguf:/nonexistent/model.gguf')).rejects.toBeInstanceOf(NotFoundError);
  });
});
