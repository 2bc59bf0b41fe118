import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOllama } from './ollama-export.ts';

const TEACHER = join(process.cwd(), 'models', 'distill-teacher-q8_0.gguf');
const dir = mkdtempSync(join(tmpdir(), 'distill-ollama-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exportOllama', () => {
  it('writes the student TEMPLATE for a student, ChatML or R1 on request, and refuses formats it cannot translate', async () => {
    const student = await exportOllama(TEACHER, { outDir: join(dir, 'a') });
    expect(student.template).toBe('distill-student-v1');
    expect(readFileSync(student.modelfile, 'utf8')).toContain('Assistant: <think>');
    const chatml = await exportOllama(TEACHER, { outDir: join(dir, 'b'), template: 'chatml' });
    expect(readFileSync(chatml.modelfile, 'utf8')).toContain('<|im_start|>assistant');
    const r1 = await exportOllama(TEACHER, { outDir: join(dir, 'c'), template: 'deepseek-r1' });
    expect(readFileSync(r1.modelfile, 'utf8')).toContain('<｜Assistant｜><think>');
    await expect(exportOllama(TEACHER, { outDir: join(dir, 'd'), template: 'llama3' })).rejects.toThrow(
      /cannot write an Ollama TEMPLATE/,
    );
  }, 60_000);
});
