import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { TERMS, type TermsRecord } from './registry.ts';

/** Ollama's `deepseek-r1:<size>` tags are R1-Distill models: Qwen bases are Apache-2.0, Llama bases Llama 3.x. */
const OLLAMA_R1_SIZES: Record<string, string> = {
  '1.5b': 'qwen-apache-2.0',
  '7b': 'qwen-apache-2.0',
  '14b': 'qwen-apache-2.0',
  '32b': 'qwen-apache-2.0',
  '8b': 'llama-3.x-community',
  '70b': 'llama-3.x-community',
  '671b': 'deepseek-r1-mit',
};

/** Ordered model-name rules; first match wins. Approximate by design: `--terms ID` overrides. */
const MODEL_RULES: Array<[RegExp, string]> = [
  [/^distill[-_]|distill-builtin|distill-teacher/, 'distill-builtin'],
  [/r1-distill-llama/, 'llama-3.x-community'],
  [/r1-distill-qwen/, 'qwen-apache-2.0'],
  [/deepseek/, 'deepseek-r1-mit'],
  [/llama-?3\.[123]|llama3\.[123]/, 'llama-3.x-community'],
  [/llama/, 'llama-legacy'],
  [/qwen.*72b/, 'qwen-license'],
  [/qwen2\.5-3b/, 'qwen-research'],
  [/qwen|qwq/, 'qwen-apache-2.0'],
  [/mistral|mixtral|magistral/, 'mistral-apache-2.0'],
  [/claude/, 'anthropic-terms'],
  [/gemini/, 'gemini-api-terms'],
  [/^(openai\/)?(gpt|o\d)/, 'openai-terms'],
];

/**
 * The terms that apply to a teacher: an explicit id wins; then provider rules (Anthropic, OpenAI APIs), Ollama's
 * R1 tags, and model-name rules; else `unknown` (treated as constrained).
 */
export function resolveTerms(
  teacher: { provider: string; modelId: string },
  explicitId?: string,
): TermsRecord {
  if (explicitId) {
    const found = TERMS[explicitId];
    if (!found)
      throw new InvalidInputError(`Unknown terms id '${explicitId}'`, {
        hint: `use one of: ${Object.keys(TERMS).join(', ')}`,
      });
    return found;
  }
  const model = teacher.modelId.toLowerCase();
  if (teacher.provider === 'anthropic') return TERMS['anthropic-terms']!;
  if (teacher.provider === 'openai') return TERMS['openai-terms']!;
  if (teacher.provider === 'ollama') {
    const m = /^deepseek-r1:(\S+)$/.exec(model);
    const id = m?.[1] ? OLLAMA_R1_SIZES[m[1]] : undefined;
    if (id) return TERMS[id]!;
  }
  const base = model.split('/').pop() ?? model;
  for (const [re, id] of MODEL_RULES) if (re.test(model) || re.test(base)) return TERMS[id]!;
  return TERMS.unknown!;
}
