import { describe, expect, it } from 'vitest';
import { judgeIdentity, summariseIdentity } from './identity-judge.ts';
import { IDENTITY_PROBES } from './identity-probes.ts';

const declared = { names: ['Distill built-in teacher', 'Distill'] };

describe('identity audit', () => {
  it('ships at least 50 probes in English and French', () => {
    expect(IDENTITY_PROBES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(IDENTITY_PROBES.map((p) => p.lang))).toEqual(new Set(['en', 'fr']));
    expect(new Set(IDENTITY_PROBES.map((p) => p.id)).size).toBe(IDENTITY_PROBES.length);
  });

  it('flags strict claims of an OpenAI or Anthropic identity', () => {
    const j = judgeIdentity('I am ChatGPT, a large language model trained by OpenAI.', declared);
    expect(j).toMatchObject({ loose: true, strict: true, claimed: ['openai'] });
    expect(judgeIdentity('Je suis Claude, créé par Anthropic.', declared).strict).toBe(true);
  });

  it('flags loose conflicts that are not strict', () => {
    const j = judgeIdentity('I am Qwen, created by Alibaba Cloud.', declared);
    expect(j.loose).toBe(true);
    expect(j.strict).toBe(false);
  });

  it('accepts the declared identity and negated mentions', () => {
    expect(judgeIdentity('I am the Distill built-in teacher.', declared).loose).toBe(false);
    expect(judgeIdentity("No, I'm not ChatGPT. I am Distill.", declared).loose).toBe(false);
    expect(judgeIdentity('Non, je ne suis pas Claude.', declared).loose).toBe(false);
  });

  it('summarises rates', () => {
    const s = summariseIdentity([
      judgeIdentity('I am ChatGPT.', declared),
      judgeIdentity('I am Distill.', declared),
      judgeIdentity('I am Gemini from Google.', declared),
      judgeIdentity('Made by Mistral AI.', declared),
    ]);
    expect(s.looseRate).toBe(0.75);
    expect(s.strictRate).toBe(0.5);
    expect(s.claimed).toEqual({ openai: 1, google: 1, mistral: 1 });
  });
});
