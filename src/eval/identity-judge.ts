/** Identities a model may wrongly claim; each with the names that signal it (lowercase, word-bounded). */
const FOREIGN_IDENTITIES: Record<string, string[]> = {
  openai: ['openai', 'chatgpt', 'gpt-4', 'gpt-3', 'gpt4', 'gpt-5', 'gpt'],
  anthropic: ['anthropic', 'claude'],
  google: ['google', 'gemini', 'bard', 'deepmind', 'palm'],
  deepseek: ['deepseek'],
  meta: ['meta ai', 'llama', 'meta'],
  alibaba: ['qwen', 'alibaba', 'tongyi'],
  mistral: ['mistral ai', 'mistral'],
  xai: ['xai', 'grok'],
  cohere: ['cohere', 'command r'],
  microsoft: ['microsoft', 'copilot', 'phi-3'],
};
/** Strict identities: claims to be an OpenAI or Anthropic (or Google) model. */
const STRICT = new Set(['openai', 'anthropic', 'google']);

const NEGATION = /\b(not|never|no|n't|pas|ni|jamais|aucun)\b/;

export interface DeclaredIdentity {
  /** Names the model may use for itself, e.g. `Distill built-in teacher`, `Distill`. */
  names: string[];
}

export interface IdentityJudgement {
  /** Conflicts with the declared identity (claims any foreign identity). */
  loose: boolean;
  /** Claims an OpenAI/Anthropic/Google identity. */
  strict: boolean;
  /** Foreign identity keys claimed. */
  claimed: string[];
  evidence: string[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Lexicon judge (REFERENCE.md §4): a foreign identity counts as claimed when its name appears in a sentence
 * that is not negated ("I am not ChatGPT" is fine) and that name is not part of the declared identity.
 */
export function judgeIdentity(answer: string, declared: DeclaredIdentity): IdentityJudgement {
  const declaredLower = declared.names.map((n) => n.toLowerCase());
  const sentences = answer
    .toLowerCase()
    .split(/(?<=[.!?\n])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const claimed = new Set<string>();
  const evidence: string[] = [];
  for (const sentence of sentences) {
    if (NEGATION.test(sentence)) continue;
    for (const [key, names] of Object.entries(FOREIGN_IDENTITIES)) {
      for (const name of names) {
        if (declaredLower.some((d) => d.includes(name))) continue;
        if (new RegExp(`(^|[^a-z0-9])${escapeRegExp(name)}([^a-z0-9]|$)`).test(sentence)) {
          if (!claimed.has(key)) evidence.push(sentence.slice(0, 160));
          claimed.add(key);
          break;
        }
      }
    }
  }
  const keys = [...claimed];
  return { loose: keys.length > 0, strict: keys.some((k) => STRICT.has(k)), claimed: keys, evidence };
}

export interface IdentityAuditSummary {
  probes: number;
  looseRate: number;
  strictRate: number;
  claimed: Record<string, number>;
}

/** Aggregate judgements into loose and strict rates. */
export function summariseIdentity(judgements: IdentityJudgement[]): IdentityAuditSummary {
  const claimed: Record<string, number> = {};
  for (const j of judgements) for (const k of j.claimed) claimed[k] = (claimed[k] ?? 0) + 1;
  const n = judgements.length;
  return {
    probes: n,
    looseRate: n ? judgements.filter((j) => j.loose).length / n : 0,
    strictRate: n ? judgements.filter((j) => j.strict).length / n : 0,
    claimed,
  };
}
