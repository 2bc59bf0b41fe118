import { describe, expect, it } from 'vitest';
import { kdAlphaOf, TrainOptionsSchema } from '../train-options.ts';

describe('--kd-alpha defaults by mode', () => {
  const base = { data: 'rows.jsonl', preset: 'pico', out: 'student.gguf', kdTeacher: 'teacher.gguf' };

  it('is 1 for on-policy: no cross-entropy on the student’s own samples', () => {
    expect(kdAlphaOf(TrainOptionsSchema.parse({ ...base, kd: 'on-policy' }))).toBe(1);
  });

  it('is 0.5 for forward-kl, and an explicit value wins in either mode', () => {
    expect(kdAlphaOf(TrainOptionsSchema.parse({ ...base, kd: 'forward-kl' }))).toBe(0.5);
    expect(kdAlphaOf(TrainOptionsSchema.parse({ ...base, kd: 'on-policy', kdAlpha: 0.3 }))).toBe(0.3);
    expect(kdAlphaOf(TrainOptionsSchema.parse({ ...base, kd: 'forward-kl', kdAlpha: 1 }))).toBe(1);
  });
});
